//! # The blocking client: our `urllib.request.urlopen`
//!
//! The study notes fetch web pages three ways, and the first two need a
//! GET that *blocks*: called inside a coroutine it stalls the whole loop
//! (the lesson), and run through `spawn_blocking` it ties up one pool
//! thread per request (asyncio's `run_in_executor(None, urlopen, url)`).
//! This is that GET, on `std::net`, driving the same sans-IO parser as the
//! async client, with the same settings ([`ClientBuilder`]), the same
//! redirect decision (`redirect.rs`: this file only opens the connection it
//! asks for), [`Response`] and [`Error`]s.
//!
//! Like `urlopen`, it keeps no pool: every request asks for
//! `Connection: close` on a new connection. Timeouts are socket timeouts:
//! `connect_timeout` per address tried, and before every `write` and
//! `read` the socket's timeout is set to what is left of the total, so a
//! server that drips a byte a second still cannot outlast it. Resolving a
//! name blocks in `getaddrinfo`, which has no timeout of its own.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use super::builder::ClientBuilder;
use super::error::{Error, TimeoutPhase};
use super::proto::{Connection, Request, ResponseHead, ResponseParser, Url};
use super::redirect::{Next, Redirects};
use super::response::Response;

/// GET `url`, blocking the calling thread until the whole body is in.
///
/// ```
/// # use runloop::http::server::{self, Server};
/// # let site = Server::new(|_request| async { server::Response::text(200, "blocking hello") })
/// #     .spawn_thread("127.0.0.1:0").unwrap();
/// let response = runloop::http::blocking::get(&site.url("/"))?;
/// assert_eq!(response.text(), "blocking hello");
/// # Ok::<(), runloop::http::Error>(())
/// ```
#[doc(alias = "urlopen")]
#[doc(alias = "requests.get")]
pub fn get(url: &str) -> Result<Response, Error> {
    Client::new().get(url)
}

/// A blocking HTTP/1.1 client: one connection per request, no pool.
#[derive(Debug, Clone, Default)]
pub struct Client {
    settings: ClientBuilder,
}

impl Client {
    /// A client with the default settings (see [`ClientBuilder`]).
    pub fn new() -> Client {
        Client::default()
    }

    /// Start from the default settings and change some; finish with
    /// [`ClientBuilder::build_blocking`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// GET `url` and read the whole body.
    pub fn get(&self, url: &str) -> Result<Response, Error> {
        self.send(Request::get(Url::parse(url)?))
    }

    /// Send `request` (no body) and read the whole response, following
    /// redirects as the settings say.
    pub fn send(&self, mut request: Request) -> Result<Response, Error> {
        let clock = Clock::start(self.settings.timeout);
        let mut redirects = Redirects::new(self.settings.max_redirects);
        loop {
            let mut fetch = Fetch::open(&request, &self.settings, &clock)?;
            let head = fetch.read_head(&clock)?;
            match redirects.decide(&request, head.status, &head.headers)? {
                Next::Done => {
                    fetch.read_body(&clock)?;
                    let trailers = fetch.parser.trailers().cloned();
                    return Ok(Response::new(head, request.url, fetch.body, trailers));
                }
                Next::Follow(next) => request = next, // dropping `fetch` closes its connection
            }
        }
    }
}

// Written here rather than in builder.rs, so that the settings need not
// know the client (see builder.rs).
impl ClientBuilder {
    /// A blocking client with these settings. It keeps no pool, so
    /// `max_connections_per_host` and `idle_timeout` do not apply.
    pub fn build_blocking(self) -> Client {
        Client { settings: self }
    }
}

/// One request on one connection.
struct Fetch {
    stream: TcpStream,
    parser: ResponseParser,
    url: Url,
    buf: Box<[u8]>,
    body: Vec<u8>,
}

impl Fetch {
    /// Connect and send the request head.
    fn open(request: &Request, settings: &ClientBuilder, clock: &Clock) -> Result<Fetch, Error> {
        let url = &request.url;
        let mut head = Vec::with_capacity(256);
        request
            .write_head(&mut head, Connection::Close)
            .map_err(|invalid| invalid.at(url))?;
        let mut stream = connect(url, settings.connect_timeout, clock)?;
        let io_error = |source| Error::Io {
            url: url.to_string(),
            source,
        };
        stream
            .set_write_timeout(Some(clock.remaining(url)?))
            .map_err(io_error)?;
        stream.write_all(&head).map_err(|error| clock.explain(url, error))?;
        Ok(Fetch {
            stream,
            parser: ResponseParser::new(&request.method, settings.limits),
            url: url.clone(),
            buf: vec![0; 16 * 1024].into_boxed_slice(),
            body: Vec::new(),
        })
    }

    fn read_head(&mut self, clock: &Clock) -> Result<ResponseHead, Error> {
        loop {
            if let Some(head) = self.parser.head() {
                return Ok(head.clone());
            }
            self.read_some(clock)?;
        }
    }

    fn read_body(&mut self, clock: &Clock) -> Result<(), Error> {
        while !self.parser.is_complete() {
            self.read_some(clock)?;
        }
        Ok(())
    }

    /// One `read`, bounded by what is left of the total timeout.
    fn read_some(&mut self, clock: &Clock) -> Result<(), Error> {
        let url = &self.url;
        let io_error = |source| Error::Io {
            url: url.to_string(),
            source,
        };
        self.stream
            .set_read_timeout(Some(clock.remaining(url)?))
            .map_err(io_error)?;
        let count = loop {
            match self.stream.read(&mut self.buf) {
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                // A reset in a body of known length is a body cut short.
                Err(error)
                    if matches!(
                        error.kind(),
                        io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted
                    ) && let Some(cut) = self.parser.cut_short() =>
                {
                    return Err(cut.at(url));
                }
                result => break result.map_err(|error| clock.explain(url, error))?,
            }
        };
        if count == 0 {
            if !self.parser.is_started() {
                return Err(io_error(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the server closed the connection without sending a response",
                )));
            }
            return self.parser.finish().map_err(|error| error.at(url));
        }
        self.parser
            .feed(&self.buf[..count], &mut self.body)
            .map_err(|error| error.at(url))?;
        Ok(())
    }
}

/// Resolve (blocking) and connect to the first address that accepts.
fn connect(url: &Url, connect_timeout: Duration, clock: &Clock) -> Result<TcpStream, Error> {
    let addresses: Vec<SocketAddr> = (url.host(), url.port())
        .to_socket_addrs()
        .map_err(|source| Error::Resolve {
            host: url.host().to_string(),
            source,
        })?
        .collect();
    let mut last_error = None;
    for address in addresses {
        let left = clock.remaining(url)?;
        let (budget, phase) = match connect_timeout < left {
            true => (connect_timeout, TimeoutPhase::Connect),
            false => (left, TimeoutPhase::Total),
        };
        match TcpStream::connect_timeout(&address, budget) {
            Ok(stream) => return Ok(stream),
            Err(error) if error.kind() == io::ErrorKind::TimedOut => {
                let after = match phase {
                    TimeoutPhase::Connect => connect_timeout,
                    TimeoutPhase::Total => clock.total,
                };
                let url = url.to_string();
                return Err(Error::Timeout { url, phase, after });
            }
            Err(error) => last_error = Some(io::Error::new(error.kind(), format!("{address}: {error}"))),
        }
    }
    Err(Error::Connect {
        address: format!("{}:{}", url.host(), url.port()),
        source: last_error.unwrap_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no addresses")),
    })
}

/// The total timeout, as a clock that says how much is left.
struct Clock {
    deadline: Option<Instant>,
    total: Duration,
}

impl Clock {
    fn start(total: Duration) -> Clock {
        Clock {
            deadline: Instant::now().checked_add(total),
            total,
        }
    }

    /// Time left, or the timeout error if none is. A socket timeout of
    /// zero means "none" to the OS (and is refused by std), so an expired
    /// clock must never reach it.
    fn remaining(&self, url: &Url) -> Result<Duration, Error> {
        let Some(deadline) = self.deadline else {
            return Ok(Duration::from_secs(u64::from(u32::MAX))); // "never", still a valid socket timeout
        };
        match deadline.checked_duration_since(Instant::now()) {
            Some(left) if !left.is_zero() => Ok(left),
            _ => Err(self.timed_out(url)),
        }
    }

    /// A socket timeout surfaces as `WouldBlock` or `TimedOut`: that is our
    /// total timeout. Anything else is an I/O error.
    fn explain(&self, url: &Url, error: io::Error) -> Error {
        match error.kind() {
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => self.timed_out(url),
            _ => Error::Io {
                url: url.to_string(),
                source: error,
            },
        }
    }

    fn timed_out(&self, url: &Url) -> Error {
        Error::Timeout {
            url: url.to_string(),
            phase: TimeoutPhase::Total,
            after: self.total,
        }
    }
}
