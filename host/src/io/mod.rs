//! The decision I/O layer every front end shares: how input becomes
//! interactions and how decisions and error records come out, in order.
//!
//! - [`lines`]: the one JSON Lines reader (line numbers, the size cap,
//!   invalid UTF-8 and blank lines flagged, every line accounted for);
//! - [`records`]: where an input was ([`Position`]), what was wrong with it
//!   ([`Problem`]), and the error record standing in for it, worded once;
//! - [`dedupe`]: the repeated-id check over the recent ids of a batch;
//! - [`par`]: the one ordered parallel map;
//! - [`batch`]: inputs read and decided in parallel, in order, with the
//!   duplicate check, `now` and the request id applied ([`decide_batch`]),
//!   a JSON Lines stream routed to a stream of decisions ([`route_stream`]),
//!   and a request body read as a JSON array or JSON Lines ([`parse_body`]).
//!
//! The rules these apply (size cap, blank lines, repeated ids, `now`,
//! request ids) are [`crate::policy`]'s.

pub mod batch;
pub mod dedupe;
pub mod lines;
pub mod par;
pub mod records;

pub use batch::{BatchOptions, BatchSummary, BodyError, Decided, Format, Input, Read, Text, decide_batch, parse_body, route_stream};
pub use dedupe::RecentIds;
pub use lines::{Line, LineReader};
pub use par::par_map;
pub use records::{Position, Problem, error_record};
