//! With the `futures-io` feature, runloop's sockets, halves and buffered
//! streams implement `futures_io::{AsyncRead, AsyncWrite, AsyncBufRead}`,
//! so code written only against those traits — here a netstring codec
//! (`5:hello,`) — runs on runloop unchanged; `poll_close` sends FIN.
mod common;

use common::with_deadline;
use futures_io::{AsyncBufRead, AsyncWrite};
use runloop::io::{BufReader, BufWriter};
use runloop::net::{TcpListener, TcpStream, UnixStream};
use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::time::Duration;

/// A third-party codec: it knows `futures-io`, not runloop.
mod netstring {
    use super::*;

    pub async fn write<W: AsyncWrite + Unpin>(out: &mut W, payload: &[u8]) -> io::Result<()> {
        let mut frame = format!("{}:", payload.len()).into_bytes();
        frame.extend_from_slice(payload);
        frame.push(b',');
        let mut rest = &frame[..];
        while !rest.is_empty() {
            let n = poll_fn(|cx| Pin::new(&mut *out).poll_write(cx, rest)).await?;
            rest = &rest[n..];
        }
        poll_fn(|cx| Pin::new(&mut *out).poll_flush(cx)).await
    }

    pub async fn close<W: AsyncWrite + Unpin>(out: &mut W) -> io::Result<()> {
        poll_fn(|cx| Pin::new(&mut *out).poll_close(cx)).await
    }

    /// The next frame, or `None` at a clean end of stream.
    pub async fn read<R: AsyncBufRead + Unpin>(input: &mut R) -> io::Result<Option<Vec<u8>>> {
        let mut length = 0usize;
        let mut digits = 0;
        loop {
            let byte = match next_byte(input).await? {
                None if digits == 0 => return Ok(None),
                None => return Err(io::ErrorKind::UnexpectedEof.into()),
                Some(byte) => byte,
            };
            match byte {
                b'0'..=b'9' if digits < 9 => {
                    length = length * 10 + usize::from(byte - b'0');
                    digits += 1;
                }
                b':' if digits > 0 => break,
                _ => return Err(io::Error::new(io::ErrorKind::InvalidData, "bad netstring length")),
            }
        }
        let mut payload = vec![0u8; length + 1];
        let mut filled = 0;
        while filled < payload.len() {
            let n = poll_fn(|cx| Pin::new(&mut *input).poll_read(cx, &mut payload[filled..])).await?;
            if n == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            filled += n;
        }
        match payload.pop() {
            Some(b',') => Ok(Some(payload)),
            _ => Err(io::Error::new(io::ErrorKind::InvalidData, "netstring without ','")),
        }
    }

    async fn next_byte<R: AsyncBufRead + Unpin>(input: &mut R) -> io::Result<Option<u8>> {
        let buffered = poll_fn(|cx| {
            Pin::new(&mut *input)
                .poll_fill_buf(cx)
                .map_ok(|buf| buf.first().copied())
        })
        .await?;
        if buffered.is_some() {
            Pin::new(&mut *input).consume(1);
        }
        Ok(buffered)
    }
}

fn frames() -> Vec<Vec<u8>> {
    (0..200).map(|i| vec![(i % 256) as u8; i * 37 % 5000]).collect()
}

#[test]
fn a_futures_io_codec_runs_over_tcp_halves_and_buffered_streams() {
    with_deadline(Duration::from_secs(60), || {
        runloop::run(async {
            let mut listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
            let (server, _) = listener.accept().await.unwrap();
            let (_client_read, client_write) = client.into_split();
            let sender = runloop::spawn(async move {
                let mut out = BufWriter::new(client_write);
                for frame in frames() {
                    netstring::write(&mut out, &frame).await.unwrap();
                }
                netstring::close(&mut out).await.unwrap();
            });
            let (server_read, _server_write) = server.into_split();
            let mut input = BufReader::new(server_read);
            let mut got = Vec::new();
            while let Some(frame) = netstring::read(&mut input).await.unwrap() {
                got.push(frame);
            }
            assert_eq!(got, frames(), "every frame, and poll_close ended the stream");
            sender.await.unwrap();
        });
    });
}

#[test]
fn plain_sockets_are_futures_io_readers_and_writers_too() {
    runloop::run(async {
        let (mut a, b) = UnixStream::pair().unwrap();
        netstring::write(&mut a, b"over a unix socket").await.unwrap();
        netstring::close(&mut a).await.unwrap();
        let mut input = BufReader::new(b);
        assert_eq!(
            netstring::read(&mut input).await.unwrap().unwrap(),
            b"over a unix socket"
        );
        assert_eq!(netstring::read(&mut input).await.unwrap(), None);
    });
}
