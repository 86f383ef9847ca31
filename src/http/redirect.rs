//! # Following redirects (RFC 9110 §15.4, "Redirection 3xx")
//!
//! A redirect is a response that says "what you want is over there": a
//! 3xx status and a `Location` header. Deciding what to do about one needs
//! no socket, so it is sans-IO: [`Redirects`] is a small state machine that
//! each client keeps for one request and shows every response head. It
//! answers [`Next::Done`] (this response is the answer: hand it to the
//! caller), [`Next::Follow`] with the request to send instead, or an error
//! (too many hops, or a `Location` that cannot be followed). The clients
//! only perform the I/O it asks for: the async client reads a short
//! redirect body to keep its connection, the blocking one closes it.
//! `requests`' `SessionRedirectMixin.resolve_redirects` and
//! `urllib.request.HTTPRedirectHandler` do the same job.
//!
//! ## The rules
//!
//! * Followed: 301, 302, 303, 307 and 308 with a `Location`. Other 3xx
//!   codes (300 Multiple Choices, 304 Not Modified) and a 3xx without a
//!   `Location` are ordinary responses, handed to the caller.
//! * `Location` is resolved against the URL that was fetched
//!   ([`Url::join`](super::proto::Url::join)), so relative references work. One that is not UTF-8
//!   text is a malformed response ([`Error::Protocol`]).
//! * Same scheme only: runloop speaks `http://`, so a redirect to
//!   `https://` fails with the same clear error as asking for it directly
//!   ([`UrlError::UnsupportedScheme`](super::proto::UrlError::UnsupportedScheme)
//!   inside [`Error::Url`]), rather than downgrading silently.
//! * The method: 303 See Other turns anything but HEAD into GET; 301 and
//!   302 turn POST into GET (what every browser does, and what RFC 9110
//!   §15.4.2-3 allows); 307 and 308 keep the method. GET stays GET.
//! * Credentials do not travel: when the redirect leaves the origin
//!   (another host or port), `Authorization`, `Proxy-Authorization` and
//!   `Cookie` are dropped, as `requests` does, and so is a user-set `Host`.
//! * At most `max` redirects are followed; the next one is
//!   [`Error::TooManyRedirects`], naming where it pointed. With `max` 0
//!   nothing is followed: a redirect is an ordinary response
//!   (`requests`' `allow_redirects=False`).

use super::error::Error;
use super::proto::{Headers, Method, ParseError, Request};

/// The redirects of one request: how many may be followed, how many were.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Redirects {
    max: usize,
    followed: usize,
}

/// What to do after a response, as far as redirects go.
#[derive(Debug)]
pub(crate) enum Next {
    /// The response is the final answer: hand it to the caller.
    Done,
    /// The response is a redirect to follow: let go of it (and its body)
    /// and send this request instead.
    Follow(Request),
}

impl Redirects {
    /// Follow at most `max` redirects; 0 follows none.
    pub(crate) fn new(max: usize) -> Redirects {
        Redirects { max, followed: 0 }
    }

    /// Decide about the response (`status`, `headers`) that `request` got.
    pub(crate) fn decide(&mut self, request: &Request, status: u16, headers: &Headers) -> Result<Next, Error> {
        if self.max == 0 {
            return Ok(Next::Done);
        }
        let Some(next) = next_request(request, status, headers)? else {
            return Ok(Next::Done);
        };
        if self.followed == self.max {
            return Err(Error::TooManyRedirects {
                url: next.url.to_string(),
                max: self.max,
            });
        }
        self.followed += 1;
        Ok(Next::Follow(next))
    }
}

/// The request to send next if the response (`status`, `headers`) to
/// `request` is a redirect to follow; `None` if it is the final answer.
fn next_request(request: &Request, status: u16, headers: &Headers) -> Result<Option<Request>, Error> {
    if !matches!(status, 301 | 302 | 303 | 307 | 308) {
        return Ok(None);
    }
    let Some(location) = headers.get_bytes("location") else {
        return Ok(None);
    };
    let location = std::str::from_utf8(location).map_err(|_| {
        ParseError::malformed(format!("the {status} redirect's Location header is not UTF-8 text")).at(&request.url)
    })?;
    let url = request.url.join(location)?;
    let method = match (status, &request.method) {
        (_, Method::Head) => Method::Head,
        (303, _) | (301 | 302, Method::Post) => Method::Get,
        (_, method) => method.clone(),
    };
    let mut headers = request.headers.clone();
    if url.authority() != request.url.authority() {
        for name in ["Authorization", "Proxy-Authorization", "Cookie", "Host"] {
            headers.remove(name);
        }
    }
    Ok(Some(Request { method, url, headers }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::proto::{Url, UrlError};

    fn redirect(from: &str, status: u16, location: &str) -> Option<Request> {
        let mut request = Request::get(Url::parse(from).unwrap());
        request.headers.append("Authorization", "Bearer secret").unwrap();
        let mut headers = Headers::new();
        headers.append("Location", location).unwrap();
        next_request(&request, status, &headers).unwrap()
    }

    #[test]
    fn relative_locations_resolve_against_the_fetched_url() {
        let next = redirect("http://a.test/x/y", 302, "z?q=1").unwrap();
        assert_eq!(next.url.to_string(), "http://a.test/x/z?q=1");
        assert_eq!(next.method, Method::Get);
    }

    #[test]
    fn credentials_stay_with_their_origin() {
        let same = redirect("http://a.test/x", 301, "/y").unwrap();
        assert!(same.headers.contains("authorization"));
        let other = redirect("http://a.test/x", 301, "http://b.test/y").unwrap();
        assert!(!other.headers.contains("authorization"));
    }

    #[test]
    fn see_other_turns_post_into_get_and_307_keeps_it() {
        let mut post = Request::new(Method::Post, Url::parse("http://a.test/form").unwrap());
        let mut headers = Headers::new();
        headers.append("Location", "/done").unwrap();
        assert_eq!(next_request(&post, 303, &headers).unwrap().unwrap().method, Method::Get);
        assert_eq!(next_request(&post, 302, &headers).unwrap().unwrap().method, Method::Get);
        assert_eq!(
            next_request(&post, 307, &headers).unwrap().unwrap().method,
            Method::Post
        );
        post.method = Method::Head;
        assert_eq!(
            next_request(&post, 303, &headers).unwrap().unwrap().method,
            Method::Head
        );
    }

    #[test]
    fn other_statuses_and_missing_locations_are_final() {
        assert!(redirect("http://a.test/", 300, "/x").is_none());
        assert!(redirect("http://a.test/", 304, "/x").is_none());
        let request = Request::get(Url::parse("http://a.test/").unwrap());
        assert!(next_request(&request, 302, &Headers::new()).unwrap().is_none());
    }

    #[test]
    fn a_redirect_to_https_is_refused_with_the_tls_error() {
        let request = Request::get(Url::parse("http://a.test/").unwrap());
        let mut headers = Headers::new();
        headers.append("Location", "https://a.test/").unwrap();
        let error = next_request(&request, 301, &headers).unwrap_err();
        assert!(
            matches!(error, Error::Url(UrlError::UnsupportedScheme { .. })),
            "{error}"
        );
        assert!(error.to_string().contains("no TLS"), "{error}");
    }

    fn moved_to(location: &str) -> Headers {
        let mut headers = Headers::new();
        headers.append("Location", location).unwrap();
        headers
    }

    #[test]
    fn redirects_are_followed_up_to_max_then_refused_naming_where_they_led() {
        let mut redirects = Redirects::new(2);
        let mut request = Request::get(Url::parse("http://a.test/0").unwrap());
        for hop in 1..=2 {
            match redirects.decide(&request, 302, &moved_to(&format!("/{hop}"))).unwrap() {
                Next::Follow(next) => request = next,
                Next::Done => panic!("hop {hop} is within the limit"),
            }
        }
        let error = redirects.decide(&request, 302, &moved_to("/3")).unwrap_err();
        assert!(
            matches!(&error, Error::TooManyRedirects { url, max: 2 } if url == "http://a.test/3"),
            "{error:?}"
        );
        let ok = Headers::new();
        assert!(matches!(redirects.decide(&request, 200, &ok), Ok(Next::Done)));
    }

    #[test]
    fn with_max_zero_a_redirect_is_the_answer() {
        let request = Request::get(Url::parse("http://a.test/").unwrap());
        let mut redirects = Redirects::new(0);
        assert!(matches!(
            redirects.decide(&request, 301, &moved_to("/x")),
            Ok(Next::Done)
        ));
        // Not even looked at: a Location that could not be followed is fine.
        let decision = redirects.decide(&request, 301, &moved_to("https://a.test/"));
        assert!(matches!(decision, Ok(Next::Done)));
    }

    #[test]
    fn a_location_that_is_not_text_is_a_malformed_response() {
        let request = Request::get(Url::parse("http://a.test/from").unwrap());
        let mut headers = Headers::new();
        headers.push_parsed(b"Location", b"/\xff");
        let error = Redirects::new(5).decide(&request, 302, &headers).unwrap_err();
        assert!(
            matches!(&error, Error::Protocol { url, source: ParseError::Malformed { .. } } if url == "http://a.test/from"),
            "{error:?}"
        );
    }
}
