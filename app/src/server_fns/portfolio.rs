//! The portfolio page's one read: every service's facts from the data layer (a fixed
//! number of queries), turned into rows by the domain, then cut to the page the view
//! asks for. The charts cover every matching service, so they are drawn here, on the
//! server, and sent as SVG: the browser neither receives every row nor redraws them.

use crate::domain::portfolio::{PortfolioPage, PortfolioView};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One page of the table, its figures and its charts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortfolioScreen {
    pub page: PortfolioPage,
    /// The risk heat map placed by residual and by inherent score.
    pub heat_residual_svg: String,
    pub heat_inherent_svg: String,
    pub projection_svg: String,
}

/// `view` is the page's sort, filters and page, as read from its URL.
#[server(input = leptos::server_fn::codec::Json)]
pub async fn get_portfolio(view: PortfolioView) -> Result<PortfolioScreen, AppError> {
    use crate::charts::portfolio_projection::{
        PortfolioProjectionChart, ServiceCost, portfolio_projection_chart,
    };
    use crate::charts::{HeatMapChart, heat_map_chart};
    use crate::domain::portfolio::{heat_counts, page};

    let pool = crate::state::pool()?;
    let cache = crate::state::cache()?;
    let portfolio = cache
        .portfolio(&pool, chrono::Utc::now().date_naive())
        .await?;
    let mut matching = Vec::new();
    let page = page(&portfolio, &view, &mut matching);
    let shown = || matching.iter().map(|&i| &portfolio.rows[i]);
    let heat = |residual: bool| {
        heat_map_chart(&HeatMapChart {
            width: 360,
            height: 400,
            title: format!(
                "Open risks, {} score",
                if residual { "residual" } else { "inherent" }
            ),
            counts: heat_counts(shown(), residual),
        })
    };
    let projection_svg = portfolio_projection_chart(&PortfolioProjectionChart {
        width: 680,
        height: 360,
        months: portfolio
            .months
            .iter()
            .map(|m| m.format("%b %y").to_string())
            .collect(),
        services: shown()
            .map(|r| ServiceCost {
                name: r.name.clone(),
                cents: r.monthly_cents.clone(),
            })
            .collect(),
    });
    Ok(PortfolioScreen {
        heat_residual_svg: heat(true),
        heat_inherent_svg: heat(false),
        projection_svg,
        page,
    })
}
