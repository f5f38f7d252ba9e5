//! The portfolio's monthly cost projection, stacked by service: the projection chart
//! ([`draw_projection`]) with one series per service instead of per category.
//!
//! A stack of hundreds of services is unreadable, so the [`SHOWN_SERVICES`] services
//! costing most over the horizon keep their own segment (largest at the bottom) and
//! all others are summed into one grey "N other services" segment. The net total
//! line is the exact sum of every service, whatever is grouped.

use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend};

use super::projection::{ProjectionChart, ProjectionSeries, draw_projection};
use super::scale::money;
use super::{DrawResult, render};

/// One service's net cost per month, in cents.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServiceCost {
    pub name: String,
    /// Aligned with [`PortfolioProjectionChart::months`]; missing months count as 0.
    pub cents: Vec<i64>,
}

/// Input of [`portfolio_projection_chart`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PortfolioProjectionChart {
    pub width: u32,
    pub height: u32,
    /// Month labels, e.g. `"Dec 26"`.
    pub months: Vec<String>,
    /// In any order; the chart picks the largest.
    pub services: Vec<ServiceCost>,
}

/// Services drawn with their own segment; the colours' grey (index 6) is left for
/// the others.
pub const SHOWN_SERVICES: usize = 6;

pub const LABEL: &str = "Portfolio monthly cost projection";

pub fn portfolio_projection_chart(chart: &PortfolioProjectionChart) -> String {
    render(chart.width, chart.height, LABEL, &describe(chart), |area| {
        draw_portfolio_projection(area, chart)
    })
}

pub fn draw_portfolio_projection<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &PortfolioProjectionChart,
) -> DrawResult<DB::ErrorType> {
    draw_projection(area, &stacked(chart))
}

/// The cents of month `i`, 0 when missing.
fn at(cents: &[i64], i: usize) -> i128 {
    i128::from(cents.get(i).copied().unwrap_or(0))
}

fn saturate(value: i128) -> i64 {
    i64::try_from(value).unwrap_or(if value < 0 { i64::MIN } else { i64::MAX })
}

/// The services by cost over the horizon, largest first (ties keep input order).
fn ranked(chart: &PortfolioProjectionChart) -> Vec<&ServiceCost> {
    let n = chart.months.len();
    let mut services: Vec<&ServiceCost> = chart.services.iter().collect();
    services.sort_by_key(|s| std::cmp::Reverse((0..n).map(|i| at(&s.cents, i)).sum::<i128>()));
    services
}

/// The projection chart's input: the largest services, then the others summed.
fn stacked(chart: &PortfolioProjectionChart) -> ProjectionChart {
    let n = chart.months.len();
    let ranked = ranked(chart);
    // Grouping a single service would only rename it.
    let shown = if ranked.len() <= SHOWN_SERVICES + 1 {
        ranked.len()
    } else {
        SHOWN_SERVICES
    };
    let mut series: Vec<ProjectionSeries> = ranked[..shown]
        .iter()
        .map(|s| ProjectionSeries {
            label: s.name.clone(),
            cents: (0..n).map(|i| saturate(at(&s.cents, i))).collect(),
        })
        .collect();
    let others = &ranked[shown..];
    if !others.is_empty() {
        series.push(ProjectionSeries {
            label: format!("{} other services", others.len()),
            cents: (0..n)
                .map(|i| saturate(others.iter().map(|s| at(&s.cents, i)).sum()))
                .collect(),
        });
    }
    ProjectionChart {
        width: chart.width,
        height: chart.height,
        months: chart.months.clone(),
        series,
        total: (0..n)
            .map(|i| saturate(chart.services.iter().map(|s| at(&s.cents, i)).sum()))
            .collect(),
    }
}

/// The chart's content in words, for `<desc>`.
fn describe(chart: &PortfolioProjectionChart) -> String {
    let n = chart.months.len();
    if n == 0 || chart.services.is_empty() {
        return "No cost projection yet.".to_string();
    }
    let total = |i: usize| chart.services.iter().map(|s| at(&s.cents, i)).sum::<i128>();
    let count = chart.services.len();
    let mut desc = format!(
        "Net monthly cost of {count} {} over {n} months: {} in {}, {} in {}.",
        if count == 1 { "service" } else { "services" },
        money(total(0)),
        chart.months[0],
        money(total(n - 1)),
        chart.months[n - 1],
    );
    let largest: Vec<String> = ranked(chart)
        .iter()
        .take(SHOWN_SERVICES)
        .map(|s| format!("{} {}", s.name, money(at(&s.cents, n - 1))))
        .collect();
    desc.push_str(&format!(
        " Largest in {}: {}.",
        chart.months[n - 1],
        largest.join(", ")
    ));
    desc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::testing::{assert_snapshot, rects, texts};
    use crate::charts::theme;

    const MONTHS: [&str; 12] = [
        "Nov 26", "Dec 26", "Jan 27", "Feb 27", "Mar 27", "Apr 27", "May 27", "Jun 27", "Jul 27",
        "Aug 27", "Sep 27", "Oct 27",
    ];

    /// Nine services: the demo's four, then five small ones that are grouped.
    fn fixture() -> PortfolioProjectionChart {
        let step = |before: i64, after: i64, from: usize| -> Vec<i64> {
            (0..12)
                .map(|i| if i < from { before } else { after })
                .collect()
        };
        let mut services = vec![
            ServiceCost {
                name: "Payments API".into(),
                cents: step(30_883, 37_883, 3),
            },
            ServiceCost {
                name: "Search Indexer".into(),
                cents: step(52_010, 47_010, 6),
            },
            ServiceCost {
                name: "Notification Service".into(),
                cents: step(12_450, 14_950, 1),
            },
            ServiceCost {
                name: "Customer Portal".into(),
                cents: step(21_500, 26_500, 4),
            },
        ];
        for (i, cents) in [4_000, 3_500, 3_000, 2_500, 2_000].into_iter().enumerate() {
            services.push(ServiceCost {
                name: format!("Service {}", i + 5),
                cents: step(cents, cents + 500, 2),
            });
        }
        PortfolioProjectionChart {
            width: 720,
            height: 340,
            months: MONTHS.iter().map(|m| m.to_string()).collect(),
            services,
        }
    }

    #[test]
    fn portfolio_projection_snapshot() {
        assert_snapshot(
            "portfolio_projection",
            &portfolio_projection_chart(&fixture()),
        );
    }

    #[test]
    fn largest_services_keep_their_segment_and_the_rest_are_grouped() {
        let chart = stacked(&fixture());
        let labels: Vec<&str> = chart.series.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "Search Indexer",
                "Payments API",
                "Customer Portal",
                "Notification Service",
                "Service 5",
                "Service 6",
                "3 other services",
            ]
        );
        // Others: 3 000 + 2 500 + 2 000 before month 2, +1 500 after.
        assert_eq!(chart.series[6].cents[0], 7_500);
        assert_eq!(chart.series[6].cents[11], 9_000);
        // The total is every service, to the cent.
        let sum: i64 = fixture().services.iter().map(|s| s.cents[0]).sum();
        assert_eq!(chart.total[0], sum);
        let svg = portfolio_projection_chart(&fixture());
        let text: Vec<String> = texts(&svg).into_iter().map(|t| t.text).collect();
        assert!(text.contains(&"3 other services".to_string()));
        // The grouped segment is grey.
        let grey = format!(
            "#{:02X}{:02X}{:02X}",
            theme::CATEGORY[6].0,
            theme::CATEGORY[6].1,
            theme::CATEGORY[6].2
        );
        assert!(rects(&svg).iter().any(|r| r.fill == grey), "{grey}");
        assert!(svg.contains("<title>Portfolio monthly cost projection</title>"));
        assert!(svg.contains("<desc>Net monthly cost of 9 services over 12 months"));
    }

    #[test]
    fn one_more_than_shown_is_not_grouped_and_empty_input_says_so() {
        let mut chart = fixture();
        chart.services.truncate(SHOWN_SERVICES + 1);
        assert_eq!(stacked(&chart).series.len(), SHOWN_SERVICES + 1);
        assert!(
            !stacked(&chart)
                .series
                .iter()
                .any(|s| s.label.contains("other"))
        );
        let empty = portfolio_projection_chart(&PortfolioProjectionChart {
            width: 400,
            height: 200,
            ..Default::default()
        });
        assert!(empty.contains("No cost projection yet"));
        let huge = portfolio_projection_chart(&PortfolioProjectionChart {
            width: 400,
            height: 200,
            months: vec!["Jan 27".into(), "Feb 27".into()],
            services: vec![
                ServiceCost {
                    name: "Max".into(),
                    cents: vec![i64::MAX; 2],
                },
                ServiceCost {
                    name: "Max again".into(),
                    cents: vec![i64::MAX],
                },
            ],
        });
        assert!(huge.trim_end().ends_with("</svg>"));
    }
}
