//! # Header fields (RFC 9110 §5, "Fields")
//!
//! A header section is an ordered list of `name: value` lines. Names are
//! case-insensitive (`Content-Length` and `content-length` are the same
//! field), a name may repeat, and order matters for repeated names, so
//! [`Headers`] is a plain list searched linearly rather than a map. Heads
//! are small (the default limit is 100 fields), and a list keeps the order
//! the peer sent and the spelling the user chose.
//!
//! ## The invariant: every field in a `Headers` can be written safely
//!
//! A field name is a *token* (RFC 9110 §5.1): letters, digits and a few
//! punctuation marks, nothing else. A field value (RFC 9110 §5.5) is visible
//! ASCII, spaces, tabs and "obs-text" bytes 0x80..=0xFF; never CR, LF, NUL,
//! any other control byte or DEL. Both rules are checked when a field goes
//! *in* (by [`Headers::append`] for users, by the parser for peers), so
//! writing a `Headers` out can never smuggle a line break into a request:
//! that is how header injection is made impossible rather than unlikely.
//!
//! HTAB is the one control byte the value grammar allows, and only inside
//! a value: leading and trailing spaces and tabs are "optional whitespace"
//! around the value, not part of it, so they are trimmed on the way in.
//!
//! Values are bytes, because a peer may send obs-text that is not UTF-8.
//! [`Headers::get`] returns `None` for such a value (as if it were absent);
//! [`Headers::get_bytes`] returns every value as it arrived.

use std::fmt;

use super::error::{InvalidInput, quoted};

/// An ordered, case-insensitive list of header fields.
///
/// ```
/// use runloop::http::Headers;
/// let mut headers = Headers::new();
/// headers.append("Accept-Language", "en")?;
/// headers.append("accept-language", "fr")?;
/// assert_eq!(headers.get("ACCEPT-LANGUAGE"), Some("en"));
/// assert_eq!(headers.get_all("accept-language").count(), 2);
/// assert!(headers.append("X-Evil", "a\r\nSet-Cookie: x").is_err());
/// # Ok::<(), runloop::http::InvalidInput>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Headers {
    fields: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Field {
    name: Box<str>,
    value: Box<[u8]>,
}

impl Headers {
    /// An empty list.
    pub fn new() -> Self {
        Headers::default()
    }

    /// An empty list with room for `fields` fields.
    pub fn with_capacity(fields: usize) -> Self {
        Headers {
            fields: Vec::with_capacity(fields),
        }
    }

    /// How many fields (counting repeats).
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// True when there are no fields.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The first value of the field `name` (any case), as text.
    ///
    /// Returns `None` when the field is absent *or* when its value is not
    /// UTF-8; use [`get_bytes`](Self::get_bytes) to tell those apart.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.get_bytes(name).and_then(|value| std::str::from_utf8(value).ok())
    }

    /// The first value of the field `name` (any case), as bytes.
    pub fn get_bytes(&self, name: &str) -> Option<&[u8]> {
        self.get_all(name).next()
    }

    /// Every value of the field `name` (any case), in the order received.
    pub fn get_all(&self, name: &str) -> impl Iterator<Item = &[u8]> {
        self.fields
            .iter()
            .filter(move |field| field.name.eq_ignore_ascii_case(name))
            .map(|field| &*field.value)
    }

    /// True when at least one field is called `name` (any case).
    pub fn contains(&self, name: &str) -> bool {
        self.get_all(name).next().is_some()
    }

    /// Every field as `(name, value)`, in order, names spelled as given.
    pub fn iter(&self) -> HeaderIter<'_> {
        HeaderIter {
            fields: self.fields.iter(),
        }
    }

    /// Add a field after the existing ones, keeping any others of the same name.
    ///
    /// Fails, leaving the list unchanged, when `name` is not a token or
    /// `value` contains a control byte other than an inner tab.
    pub fn append(&mut self, name: &str, value: impl AsRef<[u8]>) -> Result<(), InvalidInput> {
        let value = trim_whitespace(value.as_ref());
        check_field(name.as_bytes(), value)?;
        self.fields.push(Field {
            name: name.into(),
            value: value.into(),
        });
        Ok(())
    }

    /// Replace every field called `name` (any case) with a single one.
    pub fn insert(&mut self, name: &str, value: impl AsRef<[u8]>) -> Result<(), InvalidInput> {
        let value = trim_whitespace(value.as_ref());
        check_field(name.as_bytes(), value)?;
        self.remove(name);
        self.fields.push(Field {
            name: name.into(),
            value: value.into(),
        });
        Ok(())
    }

    /// Remove every field called `name` (any case); returns how many went.
    pub fn remove(&mut self, name: &str) -> usize {
        let before = self.fields.len();
        self.fields.retain(|field| !field.name.eq_ignore_ascii_case(name));
        before - self.fields.len()
    }

    /// Add a field the parser has already checked with [`check_field`].
    /// The name is a token, hence ASCII, hence UTF-8; the conversion cannot
    /// fail, but we still refuse rather than panic.
    pub(crate) fn push_parsed(&mut self, name: &[u8], value: &[u8]) {
        if let Ok(name) = std::str::from_utf8(name) {
            self.fields.push(Field {
                name: name.into(),
                value: value.into(),
            });
        }
    }

    /// True when any value of the comma-separated list field `name` contains
    /// `token` (any case), as in `Connection: keep-alive, close`.
    pub(crate) fn has_token(&self, name: &str, token: &str) -> bool {
        self.get_all(name)
            .flat_map(list_elements)
            .any(|element| element.eq_ignore_ascii_case(token.as_bytes()))
    }
}

impl fmt::Debug for Headers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.iter().map(|(name, value)| (name, String::from_utf8_lossy(value))))
            .finish()
    }
}

impl<'a> IntoIterator for &'a Headers {
    type Item = (&'a str, &'a [u8]);
    type IntoIter = HeaderIter<'a>;

    fn into_iter(self) -> HeaderIter<'a> {
        self.iter()
    }
}

/// The fields of a [`Headers`] as `(name, value)` pairs; see [`Headers::iter`].
#[derive(Debug, Clone)]
pub struct HeaderIter<'a> {
    fields: std::slice::Iter<'a, Field>,
}

impl<'a> Iterator for HeaderIter<'a> {
    type Item = (&'a str, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        self.fields.next().map(|field| (&*field.name, &*field.value))
    }
}

/// Check one field against RFC 9110's grammar; the value must already be
/// trimmed. Used for user input and peer input alike.
pub(crate) fn check_field(name: &[u8], value: &[u8]) -> Result<(), InvalidInput> {
    if !is_token(name) {
        return Err(InvalidInput::new(format!(
            "header name {} is not a token (letters, digits and !#$%&'*+-.^_`|~ only)",
            quoted(name)
        )));
    }
    if !value.iter().copied().all(is_field_value_byte) {
        return Err(InvalidInput::new(format!(
            "the value of header {} contains a control character: {}",
            quoted(name),
            quoted(value)
        )));
    }
    Ok(())
}

/// `tchar` (RFC 9110 §5.6.2): the characters a token is made of.
pub(crate) fn is_tchar(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

/// `token = 1*tchar`.
pub(crate) fn is_token(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().copied().all(is_tchar)
}

/// A byte allowed inside a field value or reason phrase:
/// HTAB, SP, VCHAR (0x21..=0x7E) and obs-text (0x80..=0xFF).
/// Everything else is a control byte (NUL, CR, LF, ...) or DEL.
pub(crate) fn is_field_value_byte(byte: u8) -> bool {
    byte == b'\t' || (b' '..=b'~').contains(&byte) || byte >= 0x80
}

/// Strip optional whitespace (SP and HTAB, RFC 9110 §5.6.3) from both ends.
pub(crate) fn trim_whitespace(bytes: &[u8]) -> &[u8] {
    let is_space = |byte: &u8| *byte == b' ' || *byte == b'\t';
    let start = bytes.iter().position(|b| !is_space(b)).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|b| !is_space(b)).map_or(start, |i| i + 1);
    bytes.get(start..end).unwrap_or_default()
}

/// The non-empty elements of a comma-separated list value (RFC 9110 §5.6.1),
/// trimmed. Empty elements (`a, , b`) are skipped, as the RFC asks.
pub(crate) fn list_elements(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    value
        .split(|&byte| byte == b',')
        .map(trim_whitespace)
        .filter(|element| !element.is_empty())
}
