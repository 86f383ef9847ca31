//! The ASCII timeline: exact output for a fixed recording, and sane
//! recordings from real runs.
use runloop::observe::{Lane, LaneKind, Recording, Timeline};
use std::time::Duration;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn lane(name: &str, kind: LaneKind, born: u64, died: Option<u64>, busy: &[(u64, u64)]) -> Lane {
    Lane {
        name: name.to_string(),
        kind,
        born: ms(born),
        died: died.map(ms),
        busy: busy.iter().map(|&(start, end)| (ms(start), ms(end))).collect(),
        marks: Vec::new(),
    }
}

#[test]
fn a_fixed_recording_renders_exactly() {
    let recording = Recording {
        lanes: vec![
            lane("main", LaneKind::Task, 0, None, &[(0, 10), (90, 100)]),
            lane("#1 worker", LaneKind::Task, 10, Some(60), &[(10, 30), (45, 50)]),
            lane("(loop waits in epoll)", LaneKind::Poller, 0, None, &[(60, 90)]),
        ],
        end: ms(100),
        truncated: false,
    };
    let expected = [
        "                       0         50ms",
        "                       |         |",
        "main                   --................--",
        "#1 worker                ----...-..",
        "(loop waits in epoll)  ............------..",
        "                       '-' running  '.' alive, waiting  ' ' not alive  (epoll lane: '-' = asleep in the poller)",
        "                       one column = 5ms; '-' means running for at least half of it",
        "",
    ]
    .join("\n");
    assert_eq!(Timeline::new(recording).render(20), expected);
}

#[test]
fn half_a_column_of_running_is_the_threshold() {
    let recording = Recording {
        lanes: vec![lane("t", LaneKind::Task, 0, None, &[(0, 5), (10, 14)])],
        end: ms(100),
        truncated: false,
    };
    // Columns of 10 ms: 5 ms running is half ('-'), 4 ms is not ('.').
    let picture = Timeline::new(recording).render(10);
    let row = picture.lines().find(|line| line.starts_with("t ")).unwrap();
    assert_eq!(row.trim_start_matches('t').trim(), "-.........");
}

#[test]
fn real_recordings_have_lanes_whose_intervals_never_overlap() {
    let rt = runloop::Runtime::builder().timeline(true).build().unwrap();
    rt.block_on(async {
        let tasks: Vec<_> = (0..5)
            .map(|n| {
                runloop::TaskBuilder::new()
                    .name(format!("worker {n}"))
                    .spawn(async move {
                        for _ in 0..3 {
                            runloop::time::sleep(Duration::from_millis(1)).await;
                            runloop::yield_now().await;
                        }
                    })
            })
            .collect();
        runloop::join_all(tasks).await;
        let jobs: Vec<_> = (0..3)
            .map(|_| runloop::spawn_blocking(|| std::thread::sleep(ms(2))))
            .collect();
        runloop::join_all(jobs).await;
    });
    let timeline = rt.timeline().expect("recording is on");
    let recording = timeline.recording();
    let tasks = recording
        .lanes
        .iter()
        .filter(|lane| lane.kind == LaneKind::Task)
        .count();
    assert_eq!(tasks, 6, "five workers and main");
    assert!(recording.lanes.iter().any(|lane| lane.kind == LaneKind::PoolThread));
    assert!(recording.lanes.iter().any(|lane| lane.name == "#3 worker 2"));
    for lane in &recording.lanes {
        for pair in lane.busy.windows(2) {
            assert!(
                pair[0].0 <= pair[0].1,
                "{}: an interval ends before it starts",
                lane.name
            );
            assert!(pair[0].1 <= pair[1].0, "{}: intervals overlap: {pair:?}", lane.name);
        }
        if let Some(died) = lane.died {
            assert!(
                lane.busy.iter().all(|&(_, end)| end <= died),
                "{}: busy after death",
                lane.name
            );
        }
    }
    let picture = timeline.render(40);
    assert!(picture.contains("#1 worker 0"), "{picture}");
}

#[test]
fn without_recording_there_is_no_timeline() {
    let rt = runloop::Runtime::builder().timeline(false).build().unwrap();
    rt.block_on(async {});
    assert!(rt.timeline().is_none());
}
