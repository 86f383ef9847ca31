//! UDP on loopback: 10,000 datagrams sent through an echo server come back
//! with none lost (the sender keeps at most 32 in flight, so no receive
//! buffer can overflow; a loss would be counted and reported, and more
//! than 1% fails the test), each whole and exactly once.
mod common;

use common::{scaled, with_deadline};
use runloop::net::UdpSocket;
use runloop::time::timeout;
use std::collections::BTreeSet;
use std::time::Duration;

const IN_FLIGHT: usize = 32;

#[test]
fn ten_thousand_datagrams_round_trip_on_loopback() {
    let count = scaled(10_000, 1_000);
    let (echoed, lost) = with_deadline(Duration::from_secs(120), move || {
        runloop::run(async move {
            let mut server = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            let server_addr = server.local_addr().unwrap();
            runloop::spawn(async move {
                let mut buf = vec![0u8; 65_536];
                while let Ok((n, from)) = server.recv_from(&mut buf).await {
                    if server.send_to(&buf[..n], from).await.is_err() {
                        break;
                    }
                }
            });

            let mut client = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            client.connect(server_addr).await.unwrap();
            assert_eq!(client.peer_addr().unwrap(), server_addr);
            let mut outstanding = BTreeSet::new();
            let (mut next, mut echoed, mut lost) = (0usize, 0usize, 0usize);
            let mut buf = vec![0u8; 65_536];
            while echoed + lost < count {
                while next < count && outstanding.len() < IN_FLIGHT {
                    // Each datagram says its number and has a size of its own.
                    let mut datagram = (next as u32).to_be_bytes().to_vec();
                    datagram.resize(4 + next % 700, (next % 251) as u8);
                    assert_eq!(client.send(&datagram).await.unwrap(), datagram.len(), "sent whole");
                    outstanding.insert(next);
                    next += 1;
                }
                match timeout(Duration::from_secs(5), client.recv(&mut buf)).await {
                    Ok(received) => {
                        let n = received.unwrap();
                        let number = u32::from_be_bytes(buf[..4].try_into().unwrap()) as usize;
                        assert_eq!(n, 4 + number % 700, "datagram {number} came back whole");
                        assert!(buf[4..n].iter().all(|&b| b == (number % 251) as u8));
                        assert!(outstanding.remove(&number), "datagram {number} came back once");
                        echoed += 1;
                    }
                    Err(_) => {
                        // Nothing for 5 s: whatever is in flight is lost.
                        lost += outstanding.len();
                        outstanding.clear();
                    }
                }
            }
            (echoed, lost)
        })
    });
    println!("{echoed} of {count} datagrams came back, {lost} lost");
    assert_eq!(echoed + lost, count);
    assert!(lost * 100 <= count, "{lost} of {count} datagrams lost on loopback");
}
