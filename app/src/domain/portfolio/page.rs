//! One page of the portfolio table. The figures (totals, heat map, projection) cover
//! every service the filters let through; only the table is paged, so a portfolio of
//! hundreds of services sends [`PAGE_SIZE`] rows, not all of them.

use super::{Portfolio, PortfolioRow, PortfolioView, Totals, select, teams, totals};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Rows per page of the table.
pub const PAGE_SIZE: usize = 50;

/// What the table and its figures show for one view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortfolioPage {
    /// First day of each month of the projection.
    pub months: Vec<NaiveDate>,
    /// Every team of the portfolio, for the filter.
    pub teams: Vec<String>,
    /// Services in the portfolio, and those the filters let through.
    pub services: u32,
    pub matching: u32,
    /// This page (from 1, at most `pages`) and the number of pages (at least 1).
    pub page: u32,
    pub pages: u32,
    /// This page's rows in the view's order, without their monthly projection (the
    /// charts are drawn from all matching rows before they are paged).
    pub rows: Vec<PortfolioRow>,
    /// Over every matching row.
    pub totals: Totals,
}

/// The matching rows of `portfolio` in `view`'s order and their totals, cut to the
/// view's page (an out-of-range page shows the last one). `matching` gets the
/// indices of every matching row, in order, for the charts.
pub fn page(
    portfolio: &Portfolio,
    view: &PortfolioView,
    matching: &mut Vec<usize>,
) -> PortfolioPage {
    let rows = &portfolio.rows;
    *matching = select(rows, view);
    let pages = matching.len().div_ceil(PAGE_SIZE).max(1) as u32;
    let page = view.page.clamp(1, pages);
    let start = (page as usize - 1) * PAGE_SIZE;
    PortfolioPage {
        months: portfolio.months.clone(),
        teams: teams(rows),
        services: rows.len() as u32,
        matching: matching.len() as u32,
        page,
        pages,
        rows: matching
            .iter()
            .skip(start)
            .take(PAGE_SIZE)
            .map(|&i| PortfolioRow {
                monthly_cents: Vec::new(),
                ..rows[i].clone()
            })
            .collect(),
        totals: totals(matching.iter().map(|&i| &rows[i])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::portfolio::tests::sample_row;

    fn portfolio(n: usize) -> Portfolio {
        Portfolio {
            months: vec![],
            rows: (0..n)
                .map(|i| sample_row(&format!("svc-{i:04}"), i % 3 == 0))
                .collect(),
        }
    }

    #[test]
    fn pages_cut_the_rows_but_not_the_totals() {
        let p = portfolio(120);
        let mut matching = Vec::new();
        let first = page(&p, &PortfolioView::default(), &mut matching);
        assert_eq!(
            (first.page, first.pages, first.rows.len()),
            (1, 3, PAGE_SIZE)
        );
        assert_eq!(first.totals.services, 120);
        assert_eq!(matching.len(), 120);
        assert_eq!(first.rows[0].slug, "svc-0000");
        assert!(first.rows.iter().all(|r| r.monthly_cents.is_empty()));

        let last = page(&p, &PortfolioView::default().on_page(3), &mut matching);
        assert_eq!((last.page, last.rows.len()), (3, 20));
        assert_eq!(last.rows[0].slug, "svc-0100");
        // Past the end: the last page.
        assert_eq!(
            page(&p, &PortfolioView::default().on_page(9), &mut matching).page,
            3
        );
    }

    #[test]
    fn filters_count_what_matches_and_an_empty_result_is_one_empty_page() {
        let p = portfolio(10);
        let mut matching = Vec::new();
        let blocked = PortfolioView {
            gate: Some(crate::domain::portfolio::GateFilter::Blocked),
            ..Default::default()
        };
        let shown = page(&p, &blocked, &mut matching);
        assert_eq!((shown.services, shown.matching), (10, 4));
        assert_eq!(shown.totals.services, 4);
        let none = page(
            &Portfolio {
                months: vec![],
                rows: vec![],
            },
            &blocked,
            &mut matching,
        );
        assert_eq!((none.page, none.pages, none.rows.len()), (1, 1, 0));
    }
}
