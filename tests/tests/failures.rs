//! Plugins that trap, loop or misbehave yield the fallback decision with a
//! precise error; the rest of a batch is decided normally; nothing is lost.

use cxr_e2e::{LIMITS, Role, check_batch, hostile_pipeline, ix, now, reference_with, run_batch};
use std::time::{Duration, Instant};

#[test]
fn a_trapping_plugin_gets_the_fallback() {
    check_batch(Role::Sentiment, "panic", "panicked");
    check_batch(Role::Router, "panic", "panicked");
}

#[test]
fn a_looping_plugin_is_stopped_at_its_deadline() {
    let p = hostile_pipeline(Role::Priority, "loop", None, LIMITS);
    let started = Instant::now();
    let d = p.decide(&ix(r#"{"id":"L-1","body":"hello"}"#), now());
    let took = started.elapsed();
    let err = d.error.as_deref().expect("the loop is reported");
    assert!(err.contains("deadline of 1000 ms"), "{err}");
    assert!(err.contains("priority hook of plugin `cxr-test-hostile`"), "{err}");
    assert!(d.route.as_ref().unwrap().fallback);
    // The loop never ends by itself: being here at all proves it was stopped.
    assert!(took < Duration::from_secs(10), "stopped after {took:?}");
    // The looping call is in the trace, marked as an error.
    assert_eq!(d.trace.last().unwrap().outcome, "error");
}

#[test]
fn a_looping_plugin_in_a_batch_does_not_stop_the_others() {
    check_batch(Role::Sentiment, "loop", "deadline");
}

#[test]
fn fuel_stops_a_loop_when_metered() {
    let p = hostile_pipeline(Role::Sentiment, "loop", None, "fuel = 5000000\ntimeout_ms = 10000");
    let d = p.decide(&ix(r#"{"id":"F-1","body":"hello"}"#), now());
    assert!(d.error.as_deref().unwrap().contains("ran out of fuel"), "{:?}", d.error);
}

#[test]
fn plugin_errors_and_contract_breaches_fall_back_with_the_reason() {
    check_batch(Role::Priority, "error", "refuses this input");
    check_batch(Role::Sentiment, "score-7", "sentiment.score 7.3 is outside");
    check_batch(Role::Priority, "level-9", "priority.level 9");
    check_batch(Role::Router, "empty-queue", "route.queue is empty");
}

#[test]
fn a_router_that_passes_hands_over_to_the_next() {
    let p = hostile_pipeline(Role::Router, "pass", None, LIMITS);
    let d = p.decide(&ix(r#"{"id":"P-1","body":"I was charged twice"}"#), now());
    assert!(d.error.is_none());
    assert_eq!(d.route.as_ref().unwrap().queue, "billing");
    let outcomes: Vec<&str> = d.trace.iter().map(|t| t.outcome.as_str()).collect();
    assert_eq!(outcomes, ["ok", "ok", "pass", "ok"]);
}

#[test]
fn a_trapped_instance_is_replaced_and_later_calls_work() {
    let p = hostile_pipeline(Role::Sentiment, "panic", Some("BAD"), LIMITS);
    for i in 0..5 {
        let bad = p.decide(&ix(&format!(r#"{{"id":"X-{i}","body":"BAD"}}"#)), now());
        assert!(bad.error.is_some());
        let good = p.decide(&ix(&format!(r#"{{"id":"Y-{i}","body":"fine"}}"#)), now());
        assert!(good.error.is_none(), "{:?}", good.error);
    }
}

#[test]
fn malformed_lines_get_error_records_and_the_rest_is_decided() {
    let p = reference_with(|t| t);
    let input = b"{\"id\":\"A\",\"body\":\"Where is my order?\"}\n\
                  {\"id\":\"B\",\"body\":\n\
                  not json at all\n\
                  {\"id\":\"C\",\"body\":\"x\",\"channel\":\"carrier-pigeon\"}\n\
                  \n\
                  {\"body\":\"no id here\"}\n\
                  {\"id\":\"D\",\"body\":\"Thanks, great service!\"}\n";
    let d = run_batch(&p, input);
    assert_eq!(d.len(), 7, "one record per input line");
    assert!(d[0].error.is_none());
    assert_eq!(d[1].id, "line 2");
    assert!(d[1].error.as_deref().unwrap().starts_with("line 2: invalid JSON"));
    assert!(d[2].error.as_deref().unwrap().starts_with("line 3: invalid JSON"));
    assert_eq!(d[3].id, "C", "the id is kept when it could be read");
    assert!(d[3].error.as_deref().unwrap().contains("field `channel`: unknown channel"));
    assert!(!d[3].error.as_deref().unwrap().contains("carrier-pigeon"), "input errors never quote the value");
    assert!(d[4].error.as_deref().unwrap().contains("empty (no interaction)"));
    assert!(d[5].error.as_deref().unwrap().contains("field `id`: is required"));
    assert!(d[6].error.is_none());
    let lines: Vec<u64> = d.iter().map(|x| x.line.unwrap()).collect();
    assert_eq!(lines, [1, 2, 3, 4, 5, 6, 7]);
}

#[test]
fn isolate_mode_decides_like_reuse() {
    let isolate = reference_with(|t| t.replace("instance_mode = \"reuse\"", "instance_mode = \"isolate\""));
    assert_eq!(isolate.instance_mode(), cxr_host::InstanceMode::Isolate);
    let reuse = reference_with(|t| t);
    let input = ix(r#"{"id":"I-1","channel":"chat","body":"I want to cancel my plan, your app is broken"}"#);
    let a = isolate.decide(&input, now());
    let b = reuse.decide(&input, now());
    assert_eq!(a.route, b.route);
    assert_eq!(a.priority, b.priority);
    assert_eq!(a.sentiment, b.sentiment);
}

#[test]
fn a_full_instance_pool_makes_decisions_wait_not_fail() {
    // A process pool of two slots, eight threads: an `isolate` decision
    // holds one instance at a time, so the decisions that find no free slot
    // wait for one instead of failing; `reuse` pipelines do not use the pool.
    let runtime = cxr_host::Runtime::new(cxr_host::RuntimeSettings { pool_instances: 2, ..Default::default() }).unwrap();
    for mode in ["isolate", "reuse"] {
        let toml = cxr_host::builtin::REFERENCE_PIPELINE.replace("instance_mode = \"reuse\"", &format!("instance_mode = \"{mode}\""));
        let p = cxr_e2e::loader()
            .runtime(runtime.clone())
            .toml(&toml, std::path::Path::new("."))
            .unwrap();
        let errors: Vec<String> = std::thread::scope(|s| {
            let workers: Vec<_> = (0..8)
                .map(|t| {
                    let p = &p;
                    s.spawn(move || {
                        (0..10)
                            .filter_map(|i| p.decide(&ix(&format!(r#"{{"id":"P-{t}-{i}","body":"my parcel is late"}}"#)), now()).error)
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            workers.into_iter().flat_map(|w| w.join().unwrap()).collect()
        });
        assert!(errors.is_empty(), "{mode}: {errors:?}");
    }
}
