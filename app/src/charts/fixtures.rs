//! Fixed chart inputs for the snapshot tests (and for comparing the WebAssembly
//! build's output with the server's). Paths are `crate::charts::…` so the file also
//! compiles when included elsewhere.

use chrono::{NaiveDate, TimeZone, Utc};

use crate::charts::{
    BurnupChart, BurnupPoint, HeatMapChart, ProjectionChart, ProjectionSeries, TimelineChart,
    TimelinePhase,
};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid fixture date")
}

/// Twelve months from Dec 26: phases add cost, reserved instances save from month 5.
pub fn projection() -> ProjectionChart {
    let months = [
        "Dec 26", "Jan 27", "Feb 27", "Mar 27", "Apr 27", "May 27", "Jun 27", "Jul 27", "Aug 27",
        "Sep 27", "Oct 27", "Nov 27",
    ];
    let step = |before: i64, after: i64, from: usize| -> Vec<i64> {
        (0..months.len())
            .map(|i| if i < from { before } else { after })
            .collect()
    };
    let series = vec![
        ProjectionSeries {
            label: "Compute".into(),
            cents: step(60_000, 65_000, 3),
        },
        ProjectionSeries {
            label: "Database".into(),
            cents: step(45_000, 55_000, 6),
        },
        ProjectionSeries {
            label: "Monitoring & Logging".into(),
            cents: step(16_600, 19_985, 2),
        },
        ProjectionSeries {
            label: "Savings".into(),
            cents: step(0, -8_000, 4),
        },
    ];
    let total = (0..months.len())
        .map(|i| series.iter().map(|s| s.cents[i]).sum())
        .collect();
    ProjectionChart {
        width: 720,
        height: 320,
        months: months.iter().map(|m| m.to_string()).collect(),
        series,
        total,
    }
}

/// Nine open risks across all four levels.
pub fn heat_map() -> HeatMapChart {
    let mut counts = [[0; 5]; 5];
    counts[4][4] = 1; // likelihood 5, impact 5: critical
    counts[3][2] = 2; // 4 × 3 = 12: high
    counts[1][4] = 2; // 2 × 5 = 10: high
    counts[2][2] = 3; // 3 × 3 = 9: medium
    counts[0][1] = 1; // 1 × 2 = 2: low
    HeatMapChart {
        width: 360,
        height: 400,
        title: "Open risks".into(),
        counts,
    }
}

/// Complete, late, on track and unscheduled phases, today 2 Mar 2026.
pub fn timeline() -> TimelineChart {
    let phases = vec![
        TimelinePhase {
            name: "Phase 1: Critical".into(),
            start: Some(day(2026, 1, 19)),
            end: Some(day(2026, 2, 6)),
            progress: 100,
            complete: true,
        },
        TimelinePhase {
            name: "Phase 2: Monitoring".into(),
            start: Some(day(2026, 2, 9)),
            end: Some(day(2026, 2, 27)),
            progress: 40,
            complete: false,
        },
        TimelinePhase {
            name: "Phase 3: Hardening".into(),
            start: Some(day(2026, 3, 2)),
            end: Some(day(2026, 3, 27)),
            progress: 10,
            complete: false,
        },
        TimelinePhase {
            name: "Phase 4: Optimisation".into(),
            start: None,
            end: None,
            progress: 0,
            complete: false,
        },
    ];
    TimelineChart {
        width: 720,
        height: TimelineChart::suggested_height(phases.len()),
        phases,
        today: day(2026, 3, 2),
    }
}

/// Six rising readings, a forecast and a go-live date.
pub fn burnup() -> BurnupChart {
    let at = |m: u32, d: u32, h: u32, min: u32| {
        Utc.with_ymd_and_hms(2026, m, d, h, min, 0)
            .single()
            .expect("valid fixture time")
    };
    let points = [
        (at(2, 2, 9, 0), 10.0),
        (at(2, 9, 15, 30), 20.0),
        (at(2, 16, 11, 0), 25.0),
        (at(2, 27, 17, 45), 35.0),
        (at(3, 9, 8, 0), 47.5),
        (at(3, 20, 14, 10), 55.0),
    ];
    BurnupChart {
        width: 720,
        height: 280,
        points: points
            .into_iter()
            .map(|(at, percent)| BurnupPoint { at, percent })
            .collect(),
        forecast: Some(day(2026, 5, 15)),
        target: Some(day(2026, 6, 1)),
    }
}
