//! # `http://` URLs (RFC 3986, "Uniform Resource Identifier")
//!
//! A URL tells the client three things: where to connect (host and port),
//! what to write in the `Host` header (the *authority*), and what to write
//! on the request line (the *path and query*). [`Url`] keeps exactly those,
//! already checked, so the request writer can copy them to the wire as is.
//!
//! ## What is accepted
//!
//! `http://host[:port][/path][?query][#fragment]`, where the host is a
//! name (`example.com`), an IPv4 address or an IPv6 address in brackets
//! (`[::1]`). The fragment is dropped: it belongs to the browser and is
//! never sent (RFC 9110 §4.2.1). An empty path becomes `/`. Non-ASCII
//! characters in the path or query are percent-encoded as UTF-8, the way a
//! browser does it; ASCII is kept exactly as written.
//!
//! ## What is refused, and why
//!
//! * `https://`: runloop has no TLS, and silently speaking plain HTTP to a
//!   URL that asked for encryption would be worse than failing.
//! * user info (`http://user:pass@host/`): credentials in URLs leak into
//!   logs; the caller should send an `Authorization` header instead.
//! * spaces and control characters anywhere: they are how a URL smuggles a
//!   line break onto the request line (request splitting).
//! * empty hosts, ports that are not 1..=65535, host names with characters
//!   DNS does not allow.
//!
//! ## Redirects
//!
//! [`Url::join`] resolves a `Location` header against the URL that was
//! fetched, following RFC 3986 §5.2 ("Relative Resolution"), including the
//! removal of `.` and `..` segments (§5.2.4).

use std::fmt;
use std::net::Ipv6Addr;
use std::str::FromStr;

use super::error::UrlError;

/// A parsed, checked `http://` URL.
///
/// ```
/// use runloop::http::Url;
/// let url = Url::parse("http://[::1]:8080/search?q=rust#results")?;
/// assert_eq!(url.host(), "::1");
/// assert_eq!(url.port(), 8080);
/// assert_eq!(url.authority(), "[::1]:8080");
/// assert_eq!(url.path_and_query(), "/search?q=rust");
/// assert_eq!(url.to_string(), "http://[::1]:8080/search?q=rust");
/// # Ok::<(), runloop::http::UrlError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Url {
    /// Lowercased name or IP address, IPv6 without brackets.
    host: String,
    port: u16,
    /// `host[:port]` as sent in the `Host` header: IPv6 in brackets, no `:80`.
    authority: String,
    /// Starts with `/`; visible ASCII only.
    path_and_query: String,
}

/// The port `http://` uses when the URL names none.
const DEFAULT_PORT: u16 = 80;

impl Url {
    /// Parse an absolute `http://` URL.
    ///
    /// Errors are [`UrlError::Invalid`] (naming the URL and what is wrong
    /// with it) or [`UrlError::UnsupportedScheme`] for `https://` and others.
    pub fn parse(input: &str) -> Result<Url, UrlError> {
        let invalid = |reason: String| UrlError::Invalid {
            url: input.to_string(),
            reason,
        };
        if input.is_empty() {
            return Err(invalid("it is empty".into()));
        }
        check_characters(input).map_err(invalid)?;
        let Some((scheme, rest)) = input.split_once("://").filter(|(s, _)| is_scheme(s)) else {
            return Err(invalid("it does not start with http://".into()));
        };
        if !scheme.eq_ignore_ascii_case("http") {
            return Err(UrlError::UnsupportedScheme {
                url: input.to_string(),
                scheme: scheme.to_ascii_lowercase(),
            });
        }
        let rest = without_fragment(rest);
        // The authority runs up to the first '/' or '?'; both are ASCII, so
        // the split lands on a character boundary.
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, path_and_query) = rest.split_at(authority_end);
        let (host, port) = parse_authority(authority).map_err(invalid)?;
        Ok(Url::from_parts(host, port, path_and_query))
    }

    /// Resolve a reference (typically a `Location` header) against this URL,
    /// per RFC 3986 §5.2.2. Accepts absolute URLs (`http://other/x`),
    /// scheme-relative ones (`//other/x`), absolute paths (`/x`), relative
    /// paths (`x`, `../x`), bare queries (`?q`) and the empty reference.
    ///
    /// ```
    /// use runloop::http::Url;
    /// let base = Url::parse("http://example.com/a/b/c?q")?;
    /// assert_eq!(base.join("d")?.to_string(), "http://example.com/a/b/d");
    /// assert_eq!(base.join("../d?x")?.to_string(), "http://example.com/a/d?x");
    /// assert_eq!(base.join("/top")?.to_string(), "http://example.com/top");
    /// assert_eq!(base.join("//other:81/")?.to_string(), "http://other:81/");
    /// # Ok::<(), runloop::http::UrlError>(())
    /// ```
    pub fn join(&self, reference: &str) -> Result<Url, UrlError> {
        check_characters(reference).map_err(|reason| UrlError::Invalid {
            url: reference.to_string(),
            reason,
        })?;
        if has_scheme(reference) {
            return Url::parse(reference);
        }
        if let Some(rest) = reference.strip_prefix("//") {
            return Url::parse(&format!("http://{rest}"));
        }
        let reference = without_fragment(reference);
        let (path, query) = match reference.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (reference, None),
        };
        let mut target = if path.is_empty() {
            self.path().to_string()
        } else if path.starts_with('/') {
            remove_dot_segments(path)
        } else {
            remove_dot_segments(&merge(self.path(), path))
        };
        // A reference with no path keeps the base's query unless it brings
        // its own; a reference with a path never keeps it.
        let query = match (path.is_empty(), query) {
            (_, Some(query)) => Some(query),
            (true, None) => self.query(),
            (false, None) => None,
        };
        if let Some(query) = query {
            target.push('?');
            target.push_str(query);
        }
        Ok(Url::from_parts(self.host.clone(), self.port, &target))
    }

    /// The host: a lowercased name, or an IP address (IPv6 without brackets).
    /// This is what to resolve and connect to.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port, 80 when the URL names none.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `host[:port]` as the `Host` header wants it: IPv6 in brackets, the
    /// port left out when it is 80.
    pub fn authority(&self) -> &str {
        &self.authority
    }

    /// What goes on the request line: the path, then `?query` if any.
    /// Always starts with `/`.
    pub fn path_and_query(&self) -> &str {
        &self.path_and_query
    }

    /// The path alone, without the query.
    pub fn path(&self) -> &str {
        self.path_and_query
            .split_once('?')
            .map_or(self.path_and_query.as_str(), |(path, _)| path)
    }

    /// The query (after `?`), if there is one.
    pub fn query(&self) -> Option<&str> {
        self.path_and_query.split_once('?').map(|(_, query)| query)
    }

    /// Assemble a URL from checked parts. `raw_target` is a path and query
    /// that passed [`check_characters`]; it may be empty or start with `?`.
    fn from_parts(host: String, port: u16, raw_target: &str) -> Url {
        let mut authority = if host.contains(':') {
            format!("[{host}]")
        } else {
            host.clone()
        };
        if port != DEFAULT_PORT {
            authority.push_str(&format!(":{port}"));
        }
        Url {
            host,
            port,
            authority,
            path_and_query: normalize_target(raw_target),
        }
    }
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "http://{}{}", self.authority, self.path_and_query)
    }
}

impl FromStr for Url {
    type Err = UrlError;

    fn from_str(input: &str) -> Result<Url, UrlError> {
        Url::parse(input)
    }
}

/// Split `host[:port]` (no user info, no path) into a lowercased host and a
/// port. Shared with the server, which checks `Host` headers with it.
pub(crate) fn parse_authority(authority: &str) -> Result<(String, u16), String> {
    if authority.contains('@') {
        return Err("user info (user:password@) is not supported; \
                    send credentials in an Authorization header instead"
            .into());
    }
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let Some((inside, after)) = bracketed.split_once(']') else {
            return Err("the IPv6 address has no closing ']'".into());
        };
        let address: Ipv6Addr = inside
            .parse()
            .map_err(|_| format!("\"{inside}\" is not an IPv6 address"))?;
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':').ok_or("unexpected text after ']'")?),
        };
        (address.to_string(), port)
    } else {
        if authority.matches(':').count() > 1 {
            return Err("an IPv6 address must be in brackets, as in http://[::1]:8080/".into());
        }
        let (host, port) = match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        };
        check_host_name(host)?;
        (host.to_ascii_lowercase(), port)
    };
    let port = match port {
        None => DEFAULT_PORT,
        Some(digits) => parse_port(digits)?,
    };
    Ok((host, port))
}

/// A host name may use letters, digits, `-`, `.`, `_` and `~` (RFC 3986's
/// unreserved characters). Percent-encoding and the other sub-delimiters
/// are legal URI syntax but never valid DNS names, so they are refused here
/// with a clear message rather than failing later in the resolver.
fn check_host_name(host: &str) -> Result<(), String> {
    if host.is_empty() {
        return Err("it has no host".into());
    }
    match host
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "-._~".contains(*c)))
    {
        None => Ok(()),
        Some(c) if !c.is_ascii() => Err(format!(
            "the host \"{host}\" is not ASCII; write it in its xn-- (punycode) form"
        )),
        Some(c) => Err(format!("the host \"{host}\" contains {c:?}")),
    }
}

/// `1*DIGIT` in 1..=65535. `u16::from_str` would also take `+80`; we do not.
fn parse_port(digits: &str) -> Result<u16, String> {
    if digits.is_empty() {
        return Err("':' is not followed by a port number".into());
    }
    match digits.parse::<u16>() {
        Ok(port) if port != 0 && digits.bytes().all(|b| b.is_ascii_digit()) => Ok(port),
        _ => Err(format!("the port \"{digits}\" is not a number from 1 to 65535")),
    }
}

/// Refuse spaces and control characters anywhere: on the wire they would
/// end the request line early, or start a new one.
fn check_characters(text: &str) -> Result<(), String> {
    match text.char_indices().find(|(_, c)| *c == ' ' || c.is_control()) {
        None => Ok(()),
        Some((at, ' ')) => Err(format!("it contains a space at byte {at}; write it as %20")),
        Some((at, c)) => Err(format!("it contains the control character {c:?} at byte {at}")),
    }
}

/// `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )` (RFC 3986 §3.1).
fn is_scheme(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

/// A reference is absolute when it starts with `scheme:` (RFC 3986 §4.3).
fn has_scheme(reference: &str) -> bool {
    reference.split_once(':').is_some_and(|(scheme, _)| is_scheme(scheme))
}

fn without_fragment(text: &str) -> &str {
    text.split_once('#').map_or(text, |(before, _)| before)
}

/// Make a raw path-and-query fit for the request line: make sure it starts
/// with `/`, and percent-encode every non-ASCII byte (RFC 3986 §2.1).
fn normalize_target(raw: &str) -> String {
    let mut target = String::with_capacity(raw.len() + 1);
    if !raw.starts_with('/') {
        target.push('/');
    }
    for c in raw.chars() {
        if c.is_ascii() {
            target.push(c);
        } else {
            let mut utf8 = [0; 4];
            for byte in c.encode_utf8(&mut utf8).bytes() {
                target.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    target
}

/// RFC 3986 §5.2.3: a relative path replaces the last segment of the base.
fn merge(base_path: &str, relative: &str) -> String {
    let directory = base_path
        .rfind('/')
        .map_or("/", |slash| base_path.split_at(slash + 1).0);
    format!("{directory}{relative}")
}

/// RFC 3986 §5.2.4: interpret `.` and `..` segments, using a stack of
/// segments. `path` starts with `/`. A trailing `.` or `..` leaves a
/// trailing slash (`/a/b/..` is `/a/`), as the RFC's examples require.
fn remove_dot_segments(path: &str) -> String {
    let segments: Vec<&str> = path.strip_prefix('/').unwrap_or(path).split('/').collect();
    let last = segments.len().saturating_sub(1);
    let mut kept: Vec<&str> = Vec::with_capacity(segments.len());
    for (index, segment) in segments.into_iter().enumerate() {
        match segment {
            "." => {}
            ".." => {
                kept.pop();
            }
            other => kept.push(other),
        }
        if index == last && (segment == "." || segment == "..") {
            kept.push("");
        }
    }
    format!("/{}", kept.join("/"))
}
