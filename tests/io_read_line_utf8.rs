//! `read_line` on bytes that are not UTF-8 is an `InvalidData` error that
//! names the byte offset (in the line and in the stream) and shows at most
//! three bad bytes; the caller's `String` is untouched, the bad line is
//! consumed, and the next line reads normally. A character cut in two by
//! the network is not an error.
mod io_common;

use io_common::Pieces;
use runloop::io::{BufReader, LineError};
use std::io::ErrorKind;

#[test]
fn invalid_utf8_names_the_offset_and_the_next_line_reads_normally() {
    runloop::run(async {
        let data = b"good\nsoft caf\xE9 and \xFF\xFE\nfine\n";
        let mut reader = BufReader::new(Pieces::cut(data, &[3, 9, 15]));
        let mut line = String::from("kept:");
        reader.read_line(&mut line).await.unwrap();
        assert_eq!(line, "kept:good\n");

        let error = reader.read_line(&mut line).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidData);
        assert_eq!(
            LineError::of(&error),
            Some(&LineError::NotUtf8 {
                offset: 8,
                line_start: 5,
                bytes: vec![0xE9],
            })
        );
        let message = error.to_string();
        assert!(
            message.contains("at byte 8 of the line (byte 13 of the stream)"),
            "{message}"
        );
        assert_eq!(line, "kept:good\n", "the caller's string is untouched");

        reader.read_line(&mut line).await.unwrap();
        assert_eq!(line, "kept:good\nfine\n");
    });
}

#[test]
fn lines_report_the_bad_line_once_and_go_on() {
    runloop::run(async {
        let mut lines = BufReader::new(&b"one\n\xC3\x28two\nthree"[..]).lines();
        assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("one"));
        let error = lines.next_line().await.unwrap_err();
        assert!(
            matches!(LineError::of(&error), Some(LineError::NotUtf8 { offset: 0, .. })),
            "{error}"
        );
        assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("three"));
        assert_eq!(lines.next_line().await.unwrap(), None);
    });
}

#[test]
fn a_character_cut_by_the_network_is_not_an_error_but_one_cut_by_the_end_is() {
    runloop::run(async {
        let euro = "€".as_bytes(); // three bytes
        let mut data = b"price: ".to_vec();
        data.extend_from_slice(euro);
        data.extend_from_slice(b"\n");
        data.extend_from_slice(&euro[..2]); // the stream ends mid-character
        for cut in 7..=10 {
            let mut reader = BufReader::new(Pieces::cut(&data, &[cut]));
            let mut line = String::new();
            reader.read_line(&mut line).await.unwrap();
            assert_eq!(line, "price: €\n", "cut at {cut}");
            let error = reader.read_line(&mut line).await.unwrap_err();
            let Some(LineError::NotUtf8 { offset: 0, bytes, .. }) = LineError::of(&error) else {
                panic!("{error}");
            };
            assert_eq!(bytes, &euro[..2]);
        }
    });
}
