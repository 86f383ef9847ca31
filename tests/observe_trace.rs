//! The Chrome trace file: valid JSON, a lane per task, names escaped.
use serde_json::Value;
use std::time::Duration;

#[test]
fn the_trace_file_is_valid_json_with_one_lane_per_task_and_names_intact() {
    let path = std::env::temp_dir().join(format!("runloop-trace-{}.json", std::process::id()));
    let tricky = "quote \" backslash \\ newline \n tab \t bell \u{7} snow ☃";
    let rt = runloop::Runtime::builder().trace(&path).build().unwrap();
    rt.block_on(async {
        let tasks: Vec<_> = ["plain", tricky, "third"]
            .into_iter()
            .map(|name| {
                runloop::TaskBuilder::new().name(name).spawn(async {
                    runloop::time::sleep(Duration::from_millis(1)).await;
                    runloop::yield_now().await;
                })
            })
            .collect();
        runloop::join_all(tasks).await;
        runloop::spawn_blocking(|| ()).await.unwrap();
    });
    drop(rt); // the file is written at drop
    let text = std::fs::read_to_string(&path).expect("the trace file was written");
    std::fs::remove_file(&path).ok();
    let json: Value = serde_json::from_str(&text).expect("the trace is valid JSON");
    let events = json["traceEvents"].as_array().expect("a traceEvents list");

    let lane_names: Vec<(u64, String)> = events
        .iter()
        .filter(|event| event["ph"] == "M" && event["name"] == "thread_name")
        .map(|event| {
            (
                event["tid"].as_u64().unwrap(),
                event["args"]["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let task_lanes: Vec<&(u64, String)> = lane_names
        .iter()
        .filter(|(_, name)| name.starts_with('#') || name == "main")
        .collect();
    assert_eq!(task_lanes.len(), 4, "three tasks and main: {lane_names:?}");
    assert!(
        lane_names.iter().any(|(_, name)| name == &format!("#2 {tricky}")),
        "the tricky name survives escaping: {lane_names:?}"
    );
    assert!(lane_names.iter().any(|(_, name)| name.starts_with("pool thread")));

    for (tid, name) in &lane_names {
        let mut spans: Vec<(f64, f64)> = events
            .iter()
            .filter(|event| event["ph"] == "X" && event["tid"].as_u64() == Some(*tid))
            .map(|event| (event["ts"].as_f64().unwrap(), event["dur"].as_f64().unwrap()))
            .collect();
        spans.sort_by(|a, b| a.0.total_cmp(&b.0));
        for pair in spans.windows(2) {
            assert!(
                pair[0].0 + pair[0].1 <= pair[1].0 + 1e-3,
                "{name}: overlapping events {pair:?}"
            );
        }
        if name.starts_with('#') {
            assert!(!spans.is_empty(), "{name} has poll events");
        }
    }
}

#[test]
fn chrome_trace_escapes_every_control_character() {
    use runloop::observe::{Lane, LaneKind, Recording, chrome_trace};
    let name: String = (0u8..0x20).map(char::from).chain("\"\\end".chars()).collect();
    let recording = Recording {
        lanes: vec![Lane {
            name: name.clone(),
            kind: LaneKind::Task,
            born: Duration::ZERO,
            died: None,
            busy: vec![(Duration::from_micros(1), Duration::from_micros(3))],
            marks: vec![Duration::from_nanos(1_500)],
        }],
        end: Duration::from_micros(5),
        truncated: false,
    };
    let json: Value = serde_json::from_str(&chrome_trace(&recording)).unwrap();
    let events = json["traceEvents"].as_array().unwrap();
    let lane = events.iter().find(|event| event["name"] == "thread_name").unwrap();
    assert_eq!(lane["args"]["name"].as_str().unwrap(), name);
    let poll = events.iter().find(|event| event["ph"] == "X").unwrap();
    assert_eq!(poll["ts"].as_f64(), Some(1.0));
    assert_eq!(poll["dur"].as_f64(), Some(2.0));
    let wake = events.iter().find(|event| event["ph"] == "i").unwrap();
    assert_eq!(wake["ts"].as_f64(), Some(1.5));
}
