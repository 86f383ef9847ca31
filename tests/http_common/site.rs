//! A real server for the client tests, on `runloop::http::server`, on its
//! own thread and runtime:
//!
//! | path | answer |
//! |---|---|
//! | `/delay/{ms}` | 200 `waited {ms}` after `ms` milliseconds |
//! | `/bytes/{n}` | `n` bytes of `x`, with a `Content-Length` |
//! | `/chunked/{n}` | `n` bytes of `y`, chunked, 1000 bytes a chunk |
//! | `/status/{code}` | an empty response with that status |
//! | `/redirect/{n}` | 302 to `/redirect/{n-1}`; `/redirect/0` is 200 `done` |
//! | `/echo` | 200 with the method and the request's headers, one per line |

use std::time::Duration;

use runloop::http::server::{Request, Response, Server, ServerThread};

pub fn start() -> ServerThread {
    Server::new(route).spawn_thread("127.0.0.1:0").unwrap()
}

pub async fn route(request: Request) -> Response {
    let path = request.path().to_string();
    let mut parts = path.trim_start_matches('/').splitn(2, '/');
    let (endpoint, argument) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let number = argument.parse::<u64>().unwrap_or(0);
    match endpoint {
        "delay" => {
            runloop::time::sleep(Duration::from_millis(number)).await;
            Response::text(200, format!("waited {number}"))
        }
        "bytes" => Response::bytes(200, vec![b'x'; number as usize]),
        "chunked" => {
            let (sender, receiver) = runloop::sync::channel(4);
            runloop::spawn(async move {
                let mut left = number as usize;
                while left > 0 {
                    let piece = left.min(1000);
                    if sender.send(vec![b'y'; piece]).await.is_err() {
                        return;
                    }
                    left -= piece;
                }
            });
            Response::stream(200, receiver)
        }
        "status" => Response::new(number as u16),
        "redirect" if number == 0 => Response::text(200, "done"),
        "redirect" => {
            let mut response = Response::text(302, "moved");
            response
                .headers
                .append("Location", format!("/redirect/{}", number - 1))
                .unwrap();
            response
        }
        "echo" => {
            let mut text = format!("{}\n", request.method());
            for (name, value) in request.headers() {
                text.push_str(&format!("{name}: {}\n", String::from_utf8_lossy(value)));
            }
            Response::text(200, text)
        }
        _ => Response::text(404, "not found"),
    }
}
