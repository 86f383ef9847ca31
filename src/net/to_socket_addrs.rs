//! # Addresses and names: [`ToSocketAddrs`]
//!
//! [`TcpStream::connect`](super::TcpStream::connect),
//! [`TcpListener::bind`](super::TcpListener::bind),
//! [`UdpSocket::bind`](super::UdpSocket::bind) and
//! [`lookup_host`](super::lookup_host) take anything that names a socket
//! address: a `SocketAddr`, an `(IpAddr, u16)` pair, a slice of addresses,
//! or a string — `"127.0.0.1:8080"`, `"[::1]:8080"`, `"localhost:8080"` —
//! or a `("example.com", 80)` pair. asyncio's `open_connection(host, port)`
//! takes the same two halves.
//!
//! std has a trait for this, `std::net::ToSocketAddrs`, but its one method
//! resolves a name by calling `getaddrinfo` right there, on the calling
//! thread. On the loop thread that stops every task until the resolver
//! answers, which can take seconds. So ours splits the question in two, as
//! tokio's `ToSocketAddrs` does: this file only *parses*, with no system
//! call, into a [`Target`]: either addresses, which are final, or a host
//! name and a port, which `resolver.rs` looks up off the loop thread.
//!
//! The trait is *sealed*: its method lives on a supertrait in a private
//! module, so code outside runloop can use the trait as a bound but cannot
//! implement it, and [`Target`] stays out of the public API (it has no
//! public name).
//!
//! Invariants: parsing never blocks (no system call at all); an IP literal
//! never reaches the resolver; a host longer than DNS allows is refused
//! before any lookup; an error quotes at most
//! [`QUOTED_MAX`] characters of the input, escaped, however long or
//! strange the input was.

use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

/// What an address argument turned out to be, before any lookup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// Final addresses: nothing to look up.
    Addrs(Vec<SocketAddr>),
    /// A host name to resolve, and the port to put on every answer.
    Name {
        /// The name as given (at most [`MAX_HOST_LEN`] bytes).
        host: String,
        /// The port.
        port: u16,
    },
}

/// The longest host name DNS can carry: 253 characters, plus the trailing
/// dot of a fully qualified name. Longer is refused before any lookup.
pub const MAX_HOST_LEN: usize = 254;

/// How many characters of a bad input an error message quotes.
pub const QUOTED_MAX: usize = 64;

pub(crate) mod sealed {
    /// The hidden half of [`ToSocketAddrs`](super::ToSocketAddrs).
    pub trait Sealed {
        /// Parses the argument: addresses, or a name to look up. Never
        /// blocks.
        fn to_target(&self) -> std::io::Result<super::Target>;
    }
}

/// Anything that names one or more socket addresses, possibly through a
/// host name. Implemented for `SocketAddr`, `SocketAddrV4`, `SocketAddrV6`,
/// `(IpAddr, u16)`, `(Ipv4Addr, u16)`, `(Ipv6Addr, u16)`, `(&str, u16)`,
/// `(String, u16)`, `str` and `String` (`"host:port"`), `[SocketAddr]`,
/// `Vec<SocketAddr>`, and references to any of these.
///
/// Unlike `std::net::ToSocketAddrs`, converting never blocks: a name is
/// handed to runloop's resolver, which looks it up off the loop thread.
///
/// ```
/// use runloop::net::{lookup_host, TcpListener, TcpStream};
/// runloop::run(async {
///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
///     let port = listener.local_addr().unwrap().port();
///     // An address, a "host:port" string and a (host, port) pair:
///     TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
///     TcpStream::connect(format!("127.0.0.1:{port}")).await.unwrap();
///     TcpStream::connect(("127.0.0.1", port)).await.unwrap();
///     // A string that is not "host:port" is an error before any lookup.
///     assert!(lookup_host("no port here").await.is_err());
/// });
/// ```
pub trait ToSocketAddrs: sealed::Sealed {}

impl<T: sealed::Sealed + ?Sized> ToSocketAddrs for T {}

impl fmt::Display for Target {
    /// `host:port` for a name (the host quoted if it needs it), the address
    /// for one address, and `[a, b, …]` for several.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Name { host, port } => write!(f, "{}:{port}", quoted(host)),
            Target::Addrs(addrs) if addrs.len() == 1 => write!(f, "{}", addrs[0]),
            Target::Addrs(addrs) => {
                let shown: Vec<String> = addrs.iter().take(8).map(ToString::to_string).collect();
                let more = match addrs.len().saturating_sub(shown.len()) {
                    0 => String::new(),
                    more => format!(", and {more} more"),
                };
                write!(f, "[{}{more}]", shown.join(", "))
            }
        }
    }
}

/// `text` as an error may show it: at most [`QUOTED_MAX`] characters, with
/// control characters and quotes escaped, in backticks when it is not a
/// plain host name.
pub(crate) fn quoted(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
    if text.len() <= QUOTED_MAX && !text.is_empty() && text.chars().all(plain) {
        return text.to_string();
    }
    let shown: String = text.chars().take(QUOTED_MAX).flat_map(char::escape_debug).collect();
    let cut = if text.chars().count() > QUOTED_MAX { "…" } else { "" };
    format!("`{shown}{cut}`")
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

/// A host and a port: an address if the host is an IP literal, otherwise
/// a name to look up, checked for the length DNS allows.
fn host_and_port(host: &str, port: u16) -> io::Result<Target> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(Target::Addrs(vec![SocketAddr::new(ip, port)]));
    }
    // "[::1]" in a (host, port) pair: accept the URL spelling of IPv6 too.
    if let Some(ip) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']'))
        && let Ok(ip) = ip.parse::<Ipv6Addr>()
    {
        return Ok(Target::Addrs(vec![SocketAddr::new(IpAddr::V6(ip), port)]));
    }
    if host.is_empty() {
        return Err(invalid(format!("empty host name (port {port})")));
    }
    if host.len() > MAX_HOST_LEN {
        return Err(invalid(format!(
            "host name {} is {} bytes long; DNS allows at most {MAX_HOST_LEN}",
            quoted(host),
            host.len()
        )));
    }
    if host.contains('\0') {
        return Err(invalid(format!("host name {} contains a NUL byte", quoted(host))));
    }
    Ok(Target::Name {
        host: host.to_string(),
        port,
    })
}

impl sealed::Sealed for str {
    /// `"ip:port"`, `"[ipv6]:port"` or `"host:port"`.
    fn to_target(&self) -> io::Result<Target> {
        if let Ok(addr) = self.parse::<SocketAddr>() {
            return Ok(Target::Addrs(vec![addr]));
        }
        let Some((host, port)) = self.rsplit_once(':') else {
            return Err(invalid(format!("{} is not HOST:PORT (no port)", quoted(self))));
        };
        let port = port
            .parse::<u16>()
            .map_err(|_| invalid(format!("{} is not HOST:PORT (bad port {})", quoted(self), quoted(port))))?;
        host_and_port(host, port)
    }
}

impl sealed::Sealed for String {
    fn to_target(&self) -> io::Result<Target> {
        self.as_str().to_target()
    }
}

impl sealed::Sealed for (&str, u16) {
    fn to_target(&self) -> io::Result<Target> {
        host_and_port(self.0, self.1)
    }
}

impl sealed::Sealed for (String, u16) {
    fn to_target(&self) -> io::Result<Target> {
        host_and_port(&self.0, self.1)
    }
}

impl sealed::Sealed for [SocketAddr] {
    fn to_target(&self) -> io::Result<Target> {
        Ok(Target::Addrs(self.to_vec()))
    }
}

impl sealed::Sealed for Vec<SocketAddr> {
    fn to_target(&self) -> io::Result<Target> {
        Ok(Target::Addrs(self.clone()))
    }
}

impl<T: sealed::Sealed + ?Sized> sealed::Sealed for &T {
    fn to_target(&self) -> io::Result<Target> {
        (**self).to_target()
    }
}

/// The types that are one address already.
macro_rules! one_address {
    ($($ty:ty),*) => {$(
        impl sealed::Sealed for $ty {
            fn to_target(&self) -> io::Result<Target> {
                Ok(Target::Addrs(vec![SocketAddr::from(*self)]))
            }
        }
    )*};
}

one_address!(
    SocketAddr,
    SocketAddrV4,
    SocketAddrV6,
    (IpAddr, u16),
    (Ipv4Addr, u16),
    (Ipv6Addr, u16)
);

#[cfg(test)]
mod tests {
    use super::sealed::Sealed;
    use super::*;

    #[test]
    fn literals_are_addresses_and_names_are_names() {
        let v4: SocketAddr = "127.0.0.1:80".parse().unwrap();
        let v6: SocketAddr = "[::1]:80".parse().unwrap();
        assert_eq!("127.0.0.1:80".to_target().unwrap(), Target::Addrs(vec![v4]));
        assert_eq!("[::1]:80".to_target().unwrap(), Target::Addrs(vec![v6]));
        assert_eq!("::1:80".to_target().unwrap(), Target::Addrs(vec![v6]));
        assert_eq!(("::1", 80).to_target().unwrap(), Target::Addrs(vec![v6]));
        assert_eq!(("[::1]", 80).to_target().unwrap(), Target::Addrs(vec![v6]));
        let name = Target::Name {
            host: "localhost".into(),
            port: 80,
        };
        assert_eq!("localhost:80".to_target().unwrap(), name);
        assert_eq!(("localhost", 80).to_target().unwrap(), name);
        assert_eq!(name.to_string(), "localhost:80");
    }

    #[test]
    fn bad_input_is_refused_and_quoted_briefly() {
        for bad in ["no port", "host:", "host:99999", ":80", "host:port"] {
            let error = bad.to_target().unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::InvalidInput, "{bad}: {error}");
        }
        let long = format!("{}:80", "a".repeat(100_000));
        let error = long.to_target().unwrap_err().to_string();
        assert!(error.len() < 200, "the message quotes a bounded prefix: {error}");
        let error = ("evil\0host\n", 1).to_target().unwrap_err().to_string();
        assert!(error.contains("\\0") && error.contains("\\n"), "escaped: {error}");
    }
}
