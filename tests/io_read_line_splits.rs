//! `read_line`, `read_until` and `lines` give the same records wherever
//! the stream was cut: at every byte boundary (inside `"\r\n"`, inside a
//! multi-byte UTF-8 character), at every pair of boundaries, and one byte
//! per read; with buffers from 1 byte (compacting and growing all the
//! time) to the default 8 KiB.
mod io_common;

use io_common::Pieces;
use io_common::common::with_deadline;
use runloop::io::BufReader;
use std::time::Duration;

const TEXT: &str = "alpha\nbe\r\n\nünïcödé € 𝄞\n;semi;colons;\nlast line, no newline";
const CAPACITIES: [usize; 4] = [1, 2, 5, 8192];

async fn lines_of(mut reader: BufReader<Pieces>) -> Vec<String> {
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line).await.unwrap() {
            0 => return lines,
            n => {
                assert_eq!(n, line.len());
                lines.push(line);
            }
        }
    }
}

async fn records_of(mut reader: BufReader<Pieces>, delimiter: u8) -> Vec<Vec<u8>> {
    let mut records = Vec::new();
    loop {
        let mut record = Vec::new();
        match reader.read_until(delimiter, &mut record).await.unwrap() {
            0 => return records,
            _ => records.push(record),
        }
    }
}

/// Every way of cutting TEXT this test tries: once anywhere, twice
/// anywhere, and at every byte.
fn cuttings() -> Vec<Vec<usize>> {
    let len = TEXT.len();
    let mut all: Vec<Vec<usize>> = (0..=len).map(|cut| vec![cut]).collect();
    for first in 0..=len {
        for second in first..=len {
            all.push(vec![first, second]);
        }
    }
    all.push((1..len).collect());
    all
}

#[test]
fn read_line_gives_the_same_lines_wherever_the_stream_is_cut() {
    let expected: Vec<String> = TEXT.split_inclusive('\n').map(String::from).collect();
    with_deadline(Duration::from_secs(120), move || {
        runloop::run(async move {
            for capacity in CAPACITIES {
                for cuts in cuttings() {
                    let reader = BufReader::with_capacity(capacity, Pieces::cut(TEXT.as_bytes(), &cuts));
                    assert_eq!(lines_of(reader).await, expected, "capacity {capacity}, cut at {cuts:?}");
                }
            }
        });
    });
}

#[test]
fn read_until_gives_the_same_records_wherever_the_stream_is_cut() {
    let expected: Vec<Vec<u8>> = TEXT
        .as_bytes()
        .split_inclusive(|&b| b == b';')
        .map(<[u8]>::to_vec)
        .collect();
    with_deadline(Duration::from_secs(120), move || {
        runloop::run(async move {
            for capacity in CAPACITIES {
                for cuts in cuttings() {
                    let reader = BufReader::with_capacity(capacity, Pieces::cut(TEXT.as_bytes(), &cuts));
                    assert_eq!(
                        records_of(reader, b';').await,
                        expected,
                        "capacity {capacity}, cut at {cuts:?}"
                    );
                }
            }
        });
    });
}

#[test]
fn lines_strip_the_line_ending_wherever_the_stream_is_cut() {
    let expected: Vec<String> = TEXT.lines().map(String::from).collect();
    with_deadline(Duration::from_secs(60), move || {
        runloop::run(async move {
            for capacity in CAPACITIES {
                for cut in 0..=TEXT.len() {
                    let reader = BufReader::with_capacity(capacity, Pieces::cut(TEXT.as_bytes(), &[cut]));
                    let mut lines = reader.lines();
                    let mut got = Vec::new();
                    while let Some(line) = lines.next_line().await.unwrap() {
                        got.push(line);
                    }
                    assert_eq!(got, expected, "capacity {capacity}, cut at {cut}");
                }
            }
        });
    });
}

#[test]
fn fill_buf_and_consume_see_every_byte_once_in_order() {
    with_deadline(Duration::from_secs(30), || {
        runloop::run(async {
            for capacity in CAPACITIES {
                let cuts: Vec<usize> = (1..TEXT.len()).step_by(3).collect();
                let mut reader = BufReader::with_capacity(capacity, Pieces::cut(TEXT.as_bytes(), &cuts));
                let mut seen = Vec::new();
                loop {
                    let buffered = reader.fill_buf().await.unwrap();
                    if buffered.is_empty() {
                        break;
                    }
                    // Take one byte at a time: consume leaves the rest.
                    seen.push(buffered[0]);
                    reader.consume(1);
                }
                assert_eq!(seen, TEXT.as_bytes(), "capacity {capacity}");
            }
        });
    });
}
