//! Property: a streamed body arrives piece by piece, each piece at most one
//! socket read, so a download of any size runs in constant memory; the
//! connection returns to the pool only once the body is read to its end.

mod http_common;

use http_common::scripted::{Scripted, Step, send};
use http_common::{on_loop, site};
use runloop::http::{Client, Url};

/// The most bytes one `chunk()` hands out: one read of the connection's buffer.
const READ_BUF: usize = 16 * 1024;

#[test]
fn a_large_body_streams_in_bounded_pieces_with_progress() {
    let site = site::start();
    for (path, total) in [("/chunked/3000000", 3_000_000u64), ("/bytes/3000000", 3_000_000)] {
        let url = site.url(path);
        let (pieces, largest, progress, length) = on_loop(move || async move {
            let client = Client::new();
            let mut response = client.get_streaming(&url).await.unwrap();
            let length = response.content_length();
            let (mut pieces, mut largest, mut progress) = (0, 0, Vec::new());
            while let Some(piece) = response.chunk().await.unwrap() {
                assert!(piece.iter().all(|&b| b == piece[0]));
                pieces += 1;
                largest = largest.max(piece.len());
                progress.push(response.received());
            }
            assert!(response.is_complete());
            assert!(response.chunk().await.unwrap().is_none(), "the end stays the end");
            (pieces, largest, progress, length)
        });
        assert!(largest <= READ_BUF, "{path}: a piece of {largest} bytes");
        assert!(pieces >= (total as usize) / READ_BUF, "{path}: {pieces} pieces");
        assert!(progress.windows(2).all(|pair| pair[0] < pair[1]), "progress only grows");
        assert_eq!(progress.last(), Some(&total));
        let expected_length = if path.starts_with("/bytes") { Some(total) } else { None };
        assert_eq!(length, expected_length, "{path}");
    }
}

#[test]
fn the_connection_returns_to_the_pool_only_at_the_end_of_the_body() {
    let site = site::start();
    let url = site.url("/bytes/200000");
    on_loop(move || async move {
        let client = Client::new();
        let parsed = Url::parse(&url).unwrap();
        let mut response = client.get_streaming(&url).await.unwrap();
        response.chunk().await.unwrap();
        assert_eq!(client.idle_connections(&parsed), 0, "busy while the body is read");
        while response.chunk().await.unwrap().is_some() {}
        assert_eq!(client.idle_connections(&parsed), 1, "back once the body is done");
        client.get(&url).await.unwrap();
    });
    assert_eq!(site.stats().connections_accepted(), 1);
}

#[test]
fn body_bytes_that_came_with_the_head_come_first() {
    let server = Scripted::same(vec![
        Step::Read,
        send("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nfirst"),
        Step::Pause(std::time::Duration::from_millis(20)),
        send("-last"),
    ]);
    let url = server.url("/");
    let pieces = on_loop(move || async move {
        let mut response = Client::new().get_streaming(&url).await.unwrap();
        let mut pieces = Vec::new();
        while let Some(piece) = response.chunk().await.unwrap() {
            pieces.push(String::from_utf8(piece.to_vec()).unwrap());
        }
        pieces
    });
    assert_eq!(pieces, ["first", "-last"]);
}

#[test]
fn into_response_collects_what_was_not_yet_read() {
    let site = site::start();
    let url = site.url("/chunked/5000");
    let (first, rest) = on_loop(move || async move {
        let mut response = Client::new().get_streaming(&url).await.unwrap();
        let first = response.chunk().await.unwrap().unwrap().len();
        (first, response.into_response().await.unwrap())
    });
    assert_eq!(first + rest.body.len(), 5000);
    assert_eq!(rest.status, 200);
}
