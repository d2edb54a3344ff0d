//! Reading a labelled table: TSV or CSV, a header row or none, comments, and
//! the text, gold and language columns by header name or 1-based number.
//! Every error names the file, the line and, where there is one, the column.

use anyhow::{Context as _, Result, bail};
use std::path::Path;
use std::str::FromStr;

/// The field delimiter of a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delimiter {
    Tab,
    Comma,
}

impl Delimiter {
    /// The names `FromStr` accepts.
    pub const NAMES: [&'static str; 2] = ["tab", "comma"];

    /// `given`, else the delimiter the extension of `path` implies: `.csv`
    /// comma; `.tsv`, `.tab`, `.txt` tab. An error for any other extension.
    pub fn of(path: &Path, given: Option<Delimiter>) -> Result<Delimiter> {
        if let Some(d) = given {
            return Ok(d);
        }
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("csv") => Ok(Delimiter::Comma),
            Some("tsv" | "tab" | "txt") => Ok(Delimiter::Tab),
            _ => bail!(
                "cannot tell the delimiter of {} from its extension: give --delimiter tab or --delimiter comma",
                path.display()
            ),
        }
    }
}

impl FromStr for Delimiter {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "tab" => Ok(Delimiter::Tab),
            "comma" => Ok(Delimiter::Comma),
            _ => Err(format!("{s:?} is not a delimiter (tab or comma)")),
        }
    }
}

/// How a table is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableOptions {
    pub delimiter: Delimiter,
    /// Whether double quotes delimit fields (RFC 4180). Default: on for
    /// comma, off for tab (a TSV field may start with a quote).
    pub quoting: Option<bool>,
    /// Lines starting with this ASCII character are comments.
    pub comment: Option<char>,
    /// The first record is a header row.
    pub header: bool,
    /// Read only the first N data rows.
    pub limit: Option<usize>,
}

impl TableOptions {
    /// Tab or comma as `path`'s extension implies, quoting as the
    /// delimiter implies, a header row, no comments, no limit.
    pub fn for_path(path: &Path) -> Result<Self> {
        Ok(TableOptions {
            delimiter: Delimiter::of(path, None)?,
            quoting: None,
            comment: None,
            header: true,
            limit: None,
        })
    }
}

/// One data record and the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub line: u64,
    pub fields: Vec<String>,
}

/// A table as read: its name (for errors), the header when there is one,
/// and the data records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    pub header: Option<Vec<String>>,
    pub records: Vec<Record>,
}

/// Reads the table at `path` (`-` for stdin).
pub fn read_table(path: &Path, opts: &TableOptions) -> Result<Table> {
    let name = path.display().to_string();
    let bytes = if path == Path::new("-") {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut b).context("reading stdin")?;
        b
    } else {
        if !path.exists() {
            bail!("input file {name} does not exist");
        }
        cxr_host::fs::read_capped(path, "input file", cxr_host::fs::Limit::WHOLE_INPUT)?
    };
    parse_table(&bytes, &name, opts)
}

/// Parses a table from bytes; `name` is used in errors.
pub fn parse_table(text: &[u8], name: &str, opts: &TableOptions) -> Result<Table> {
    let quoting = opts.quoting.unwrap_or(opts.delimiter == Delimiter::Comma);
    let comment = match opts.comment {
        Some(c) if c.is_ascii() => Some(c as u8),
        Some(c) => bail!("--comment {c:?} must be an ASCII character"),
        None => None,
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(if opts.delimiter == Delimiter::Tab { b'\t' } else { b',' })
        .quoting(quoting)
        .comment(comment)
        .has_headers(false)
        .flexible(true)
        .from_reader(text);
    let mut table = Table {
        name: name.to_string(),
        header: None,
        records: Vec::new(),
    };
    // csv's own line numbers miscount CRLF, blank and comment lines: count
    // newlines up to where the record really starts.
    let mut lines = LineCounter::default();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(name, text, comment, &e))?;
        let start = record_start(text, record.position().map_or(0, |p| p.byte() as usize), comment);
        let line = lines.line_at(text, start);
        let fields: Vec<String> = record.iter().map(str::to_string).collect();
        if opts.header && table.header.is_none() {
            table.header = Some(
                fields
                    .into_iter()
                    .map(|f| f.trim().trim_start_matches('\u{feff}').to_string())
                    .collect(),
            );
            continue;
        }
        if opts.limit.is_some_and(|n| table.records.len() >= n) {
            break;
        }
        table.records.push(Record { line, fields });
    }
    if opts.header && table.header.is_none() {
        bail!("{name}: empty file (no header row)");
    }
    Ok(table)
}

/// Counts lines up to increasing byte offsets.
#[derive(Default)]
struct LineCounter {
    pos: usize,
    line: u64,
}

impl LineCounter {
    /// The 1-based line of byte `at` (offsets must not decrease).
    fn line_at(&mut self, text: &[u8], at: usize) -> u64 {
        let at = at.min(text.len());
        if at >= self.pos {
            self.line += text[self.pos..at].iter().filter(|&&b| b == b'\n').count() as u64;
            self.pos = at;
        }
        self.line + 1
    }
}

/// Where the record read from byte `pos` starts: after the line ends and
/// comment lines the reader skipped.
fn record_start(text: &[u8], mut pos: usize, comment: Option<u8>) -> usize {
    loop {
        while pos < text.len() && matches!(text[pos], b'\r' | b'\n') {
            pos += 1;
        }
        match (text.get(pos), comment) {
            (Some(&c), Some(m)) if c == m => {
                pos += text[pos..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(text.len() - pos, |i| i + 1);
            }
            _ => return pos,
        }
    }
}

/// A csv error as "FILE line N: what".
fn csv_error(name: &str, text: &[u8], comment: Option<u8>, e: &csv::Error) -> anyhow::Error {
    let line = e
        .position()
        .map(|p| {
            format!(
                " line {}",
                LineCounter::default().line_at(text, record_start(text, p.byte() as usize, comment))
            )
        })
        .unwrap_or_default();
    match e.kind() {
        csv::ErrorKind::Utf8 { err, .. } => {
            anyhow::anyhow!("{name}{line}, column {}: not valid UTF-8", err.field() + 1)
        }
        _ => anyhow::anyhow!("{name}{line}: {e}"),
    }
}

impl Table {
    /// The 0-based index of a column given by header name (exact, else
    /// ignoring ASCII case) or 1-based number; `flag` names the option in errors.
    pub fn column(&self, spec: &str, flag: &str) -> Result<usize> {
        column_index(spec, self.header.as_deref(), flag, &self.name)
    }

    /// Field `col` of `record`, or an error naming the line and `what` the column is.
    pub fn field<'r>(&self, record: &'r Record, col: usize, what: &str) -> Result<&'r str> {
        record.fields.get(col).map(String::as_str).ok_or_else(|| {
            anyhow::anyhow!(
                "{} line {}: no column {} ({what}; the row has {} columns)",
                self.name,
                record.line,
                col + 1,
                record.fields.len()
            )
        })
    }

    /// The labelled rows: text, gold and (optional) language of every
    /// record. An error names the first record missing a column, or says
    /// the table has no data row.
    pub fn labelled_rows(&self, columns: &Columns<'_>) -> Result<LabelledRows> {
        let text_col = self.column(columns.text, "--text-column")?;
        let gold_col = self.column(columns.gold, "--gold-column")?;
        let lang_col = columns
            .language
            .map(|c| self.column(c, "--language-column"))
            .transpose()?;
        let mut rows = Vec::with_capacity(self.records.len());
        for (i, record) in self.records.iter().enumerate() {
            let text = self.field(record, text_col, "text")?.to_string();
            let gold = self.field(record, gold_col, "gold")?.to_string();
            let language = match lang_col {
                Some(c) => Some(self.field(record, c, "language")?.trim().to_string()).filter(|l| !l.is_empty()),
                None => None,
            };
            rows.push(LabelledRow {
                number: i + 1,
                line: record.line,
                text,
                language,
                gold,
            });
        }
        if rows.is_empty() {
            bail!("{}: no data row", self.name);
        }
        Ok(LabelledRows {
            name: self.name.clone(),
            gold_column: gold_col,
            rows,
        })
    }
}

/// The 0-based index of a column given by header name or 1-based number.
pub fn column_index(spec: &str, header: Option<&[String]>, flag: &str, name: &str) -> Result<usize> {
    let spec = spec.trim();
    if let Ok(n) = spec.parse::<usize>() {
        if n == 0 {
            bail!("{flag} {spec}: columns are numbered from 1");
        }
        return Ok(n - 1);
    }
    let Some(header) = header else {
        bail!("{flag} {spec:?}: with --no-header, give the column by number (1, 2, ...)");
    };
    header
        .iter()
        .position(|h| h == spec)
        .or_else(|| header.iter().position(|h| h.eq_ignore_ascii_case(spec)))
        .ok_or_else(|| {
            anyhow::anyhow!(
                "{name}: {flag} {spec:?}: no such column in the header (columns: {})",
                header.join(", ")
            )
        })
}

/// Which columns hold the text, the gold value and the language (each a
/// header name or a 1-based number).
#[derive(Debug, Clone, Copy)]
pub struct Columns<'a> {
    pub text: &'a str,
    pub gold: &'a str,
    pub language: Option<&'a str>,
}

/// One labelled row of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelledRow {
    /// 1-based data row number.
    pub number: usize,
    /// 1-based line in the file where the row starts.
    pub line: u64,
    pub text: String,
    /// A language code handed to the plugins, when the table has one.
    pub language: Option<String>,
    /// The gold value as written.
    pub gold: String,
}

/// The labelled rows of a table, never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelledRows {
    /// The table's name (its path), for reports and errors.
    pub name: String,
    /// 0-based index of the gold column, for errors.
    pub gold_column: usize,
    pub rows: Vec<LabelledRow>,
}

impl LabelledRows {
    /// An error about the gold value of `row`: "FILE line N, column C (gold): what".
    pub fn gold_error(&self, row: &LabelledRow, what: impl std::fmt::Display) -> anyhow::Error {
        anyhow::anyhow!("{} line {}, column {} (gold): {what}", self.name, row.line, self.gold_column + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(delimiter: Delimiter, comment: Option<char>, header: bool, limit: Option<usize>) -> TableOptions {
        TableOptions {
            delimiter,
            quoting: None,
            comment,
            header,
            limit,
        }
    }

    #[test]
    fn tsv_keeps_quotes_and_csv_honours_them() {
        let t = parse_table(
            b"1\t-0.9\t\"  quoted start\r\n2\t1.5\tplain\r\n",
            "f.tsv",
            &opts(Delimiter::Tab, None, false, None),
        )
        .unwrap();
        assert_eq!(t.records.len(), 2);
        assert_eq!(t.records[0].fields[2], "\"  quoted start");
        assert_eq!(
            t.records[1],
            Record {
                line: 2,
                fields: vec!["2".into(), "1.5".into(), "plain".into()]
            }
        );

        let t = parse_table(
            b"label,text\npos,\"thanks, all sorted\"\nneg,\"he said \"\"no\"\"\nthen hung up\"\n",
            "f.csv",
            &opts(Delimiter::Comma, None, true, None),
        )
        .unwrap();
        assert_eq!(t.header.as_deref(), Some(&["label".to_string(), "text".to_string()][..]));
        assert_eq!(t.records[0].fields[1], "thanks, all sorted");
        assert_eq!(t.records[1].fields[1], "he said \"no\"\nthen hung up");
        assert_eq!(t.records[1].line, 3);
    }

    #[test]
    fn comments_and_limit() {
        let t = parse_table(
            b"# a comment\nneg\tbad\n\n# another\npos\tgood\nneu\tok\n",
            "f.tsv",
            &opts(Delimiter::Tab, Some('#'), false, Some(2)),
        )
        .unwrap();
        assert_eq!(t.records.len(), 2);
        assert_eq!((t.records[0].line, t.records[1].line), (2, 5));
    }

    #[test]
    fn columns_by_name_or_number_with_clear_errors() {
        let header = vec!["id".to_string(), "Text".to_string(), "label".to_string()];
        assert_eq!(column_index("text", Some(&header), "--text-column", "f").unwrap(), 1);
        assert_eq!(column_index("3", Some(&header), "--gold-column", "f").unwrap(), 2);
        let e = column_index("gold", Some(&header), "--gold-column", "f.tsv")
            .unwrap_err()
            .to_string();
        assert!(e.contains("f.tsv") && e.contains("gold") && e.contains("id, Text, label"), "{e}");
        assert!(column_index("0", None, "--text-column", "f").is_err());
        let e = column_index("text", None, "--text-column", "f").unwrap_err().to_string();
        assert!(e.contains("--no-header"), "{e}");
    }

    #[test]
    fn invalid_utf8_names_line_and_column() {
        let e = parse_table(
            b"label\ttext\r\npos\tfine\r\nneg\tbad \xff byte\r\n",
            "f.tsv",
            &opts(Delimiter::Tab, None, true, None),
        )
        .err()
        .unwrap()
        .to_string();
        assert!(e.contains("f.tsv line 3, column 2"), "{e}");
    }

    #[test]
    fn labelled_rows_name_the_short_row_and_the_empty_table() {
        let t = parse_table(b"1\t-0.9\tbad\n2\t1.0\n", "g.tsv", &opts(Delimiter::Tab, None, false, None)).unwrap();
        let cols = Columns {
            text: "3",
            gold: "2",
            language: None,
        };
        let e = t.labelled_rows(&cols).unwrap_err().to_string();
        assert!(e.contains("g.tsv line 2: no column 3"), "{e}");
        let t = parse_table(b"label\ttext\tlang\npos\tgood\t de \nneg\tbad\t\n", "l.tsv", &opts(Delimiter::Tab, None, true, None))
            .unwrap();
        let rows = t
            .labelled_rows(&Columns {
                text: "text",
                gold: "label",
                language: Some("lang"),
            })
            .unwrap();
        assert_eq!(rows.rows.len(), 2);
        assert_eq!((rows.rows[0].number, rows.rows[0].line, rows.rows[0].language.as_deref()), (1, 2, Some("de")));
        assert_eq!(rows.rows[1].language, None);
        assert!(rows.gold_error(&rows.rows[1], "bad").to_string().contains("l.tsv line 3, column 1 (gold): bad"));
        let t = parse_table(b"label\ttext\n", "e.tsv", &opts(Delimiter::Tab, None, true, None)).unwrap();
        let e = t
            .labelled_rows(&Columns {
                text: "text",
                gold: "label",
                language: None,
            })
            .unwrap_err()
            .to_string();
        assert!(e.contains("e.tsv: no data row"), "{e}");
    }

    #[test]
    fn delimiter_from_extension() {
        assert_eq!(Delimiter::of(Path::new("a.CSV"), None).unwrap(), Delimiter::Comma);
        assert_eq!(Delimiter::of(Path::new("a_GroundTruth.txt"), None).unwrap(), Delimiter::Tab);
        assert_eq!(Delimiter::of(Path::new("-"), Some(Delimiter::Comma)).unwrap(), Delimiter::Comma);
        assert!(Delimiter::of(Path::new("data"), None).is_err());
        assert_eq!("tab".parse::<Delimiter>(), Ok(Delimiter::Tab));
        assert!("semicolon".parse::<Delimiter>().is_err());
    }
}
