//! Scripted raw-socket servers for the client tests: a `std::net` listener
//! on 127.0.0.1 whose every connection plays a script of exact bytes,
//! pauses and closes, on its own thread. The client under test cannot tell
//! it from a real (if strange) server, and the test knows to the byte what
//! it was sent. Counters say how many connections were accepted and which
//! request heads arrived.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One thing a scripted connection does.
#[derive(Debug, Clone)]
pub enum Step {
    /// Read one request head (up to and including the blank line) and
    /// record it. Ends the script if the client closes first.
    Read,
    /// Write these bytes in one `write`.
    Send(Vec<u8>),
    /// Write these bytes `piece` bytes at a time, `every` apart.
    Drip {
        bytes: Vec<u8>,
        piece: usize,
        every: Duration,
    },
    /// Wait.
    Pause(Duration),
    /// Write `head`, then `piece` over and over until the client goes away
    /// (or a gibibyte has gone out, so that a client that never gives up
    /// cannot keep the test running forever). The script ends.
    Endless { head: Vec<u8>, piece: Vec<u8> },
    /// Close the connection now (the script ends).
    Close,
    /// Reset the connection now: close with `SO_LINGER` set to zero, so
    /// the kernel sends RST instead of FIN. The script ends.
    Reset,
}

/// `Step::Send` of text.
pub fn send(text: &str) -> Step {
    Step::Send(text.as_bytes().to_vec())
}

/// A complete `200 OK` with `Content-Length`, keep-alive.
pub fn ok(body: &str) -> Step {
    send(&format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    ))
}

/// A running scripted server.
pub struct Scripted {
    addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
    heads: Arc<Mutex<Vec<String>>>,
}

impl Scripted {
    /// Serve `script(n)` on the n-th connection (counting from 0). After
    /// its last step a connection stays open, reading until the client
    /// closes it, unless the script ended with `Close`.
    pub fn start(script: impl Fn(usize) -> Vec<Step> + Send + 'static) -> Scripted {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let accepted = Arc::new(AtomicUsize::new(0));
        let heads = Arc::new(Mutex::new(Vec::new()));
        let (counter, log) = (Arc::clone(&accepted), Arc::clone(&heads));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let index = counter.fetch_add(1, Ordering::SeqCst);
                let steps = script(index);
                let log = Arc::clone(&log);
                std::thread::spawn(move || play(stream, steps, &log));
            }
        });
        Scripted { addr, accepted, heads }
    }

    /// Every connection plays the same script.
    pub fn same(steps: Vec<Step>) -> Scripted {
        Scripted::start(move |_| steps.clone())
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Connections accepted so far.
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    /// Request heads received so far, in arrival order.
    pub fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}

fn play(mut stream: TcpStream, steps: Vec<Step>, log: &Mutex<Vec<String>>) {
    for step in steps {
        let ok = match step {
            Step::Read => match read_head(&mut stream) {
                Some(head) => {
                    log.lock().unwrap().push(head);
                    true
                }
                None => false,
            },
            Step::Send(bytes) => stream.write_all(&bytes).is_ok(),
            Step::Drip { bytes, piece, every } => bytes.chunks(piece.max(1)).all(|part| {
                std::thread::sleep(every);
                stream.write_all(part).is_ok()
            }),
            Step::Pause(pause) => {
                std::thread::sleep(pause);
                true
            }
            Step::Endless { head, piece } => {
                if stream.write_all(&head).is_ok() {
                    let mut sent = 0;
                    while sent < 1 << 30 && stream.write_all(&piece).is_ok() {
                        sent += piece.len();
                    }
                }
                return;
            }
            Step::Close => return,
            Step::Reset => return reset(stream),
        };
        if !ok {
            return;
        }
    }
    // Hold the connection until the client closes it.
    let mut sink = [0u8; 1024];
    while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
}

/// Read up to the blank line that ends a request head, byte by byte so
/// nothing of the next request is taken. `None` if the client closed.
fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return None,
        }
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

/// Close `stream` with a reset: `SO_LINGER` on with a zero timeout makes
/// `close` discard anything unsent and send RST.
fn reset(stream: TcpStream) {
    use std::os::fd::AsRawFd;
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: the descriptor is open (we own `stream`), and `linger` is a
    // valid `struct linger` whose size we pass.
    let set = unsafe {
        libc::setsockopt(
            stream.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&raw const linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        )
    };
    assert_eq!(set, 0, "setsockopt(SO_LINGER): {}", std::io::Error::last_os_error());
    drop(stream);
}
