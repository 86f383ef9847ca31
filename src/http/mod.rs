//! # HTTP/1.1 on runloop
//!
//! The protocol lives in [`proto`], a sans-IO core: state machines over
//! bytes that never touch a socket. The I/O layers built on it move bytes
//! between sockets and those machines.

pub mod proto;

pub use proto::{
    Connection, Error, Framing, HeaderIter, Headers, InvalidInput, Limit, Limits, Method, ParseError, Request,
    RequestHead, RequestParser, ResponseHead, ResponseParser, TimeoutPhase, USER_AGENT, Url, Version, reason_phrase,
    status_for, write_chunk, write_error_response, write_last_chunk, write_response_head,
};
