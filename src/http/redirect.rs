//! # Following redirects (RFC 9110 §15.4, "Redirection 3xx")
//!
//! A redirect is a response that says "what you want is over there": a
//! 3xx status and a `Location` header. Deciding what to do about one needs
//! no socket, so it is a plain function, [`next_request`], shared by the
//! async and blocking clients (`requests`' `SessionRedirectMixin`, or
//! `urllib.request.HTTPRedirectHandler`, do the same job). The clients own
//! the other half: counting hops against `max_redirects` and reading or
//! discarding the redirect's body.
//!
//! ## The rules
//!
//! * Followed: 301, 302, 303, 307 and 308 with a `Location`. Other 3xx
//!   codes (300 Multiple Choices, 304 Not Modified) and a 3xx without a
//!   `Location` are ordinary responses, handed to the caller.
//! * `Location` is resolved against the URL that was fetched
//!   ([`Url::join`]), so relative references work.
//! * Same scheme only: runloop speaks `http://`, so a redirect to
//!   `https://` fails with the same clear error as asking for it directly
//!   ([`UrlError::UnsupportedScheme`](crate::http::UrlError::UnsupportedScheme)),
//!   rather than downgrading silently.
//! * The method: 303 See Other turns anything but HEAD into GET; 301 and
//!   302 turn POST into GET (what every browser does, and what RFC 9110
//!   §15.4.2-3 allows); 307 and 308 keep the method. GET stays GET.
//! * Credentials do not travel: when the redirect leaves the origin
//!   (another host or port), `Authorization`, `Proxy-Authorization` and
//!   `Cookie` are dropped, as `requests` does, and so is a user-set `Host`.

use super::error::Error;
use super::proto::{Headers, Method, ParseError, Request};

/// The request to send next if the response (`status`, `headers`) to
/// `request` is a redirect to follow; `None` if it is the final answer.
pub(crate) fn next_request(request: &Request, status: u16, headers: &Headers) -> Result<Option<Request>, Error> {
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
}
