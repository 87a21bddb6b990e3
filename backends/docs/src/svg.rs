//! The pictures: a retirement timeline and a matrix of endpoints by region, drawn as SVG by
//! hand (rectangles, lines and text), so that the same input gives the same bytes and nothing
//! outside Charter is needed to draw them. Every number is written with one decimal at most.
//!
//! The SVGs carry no `id`s: several are inlined into one HTML page, where ids would clash.

use charter_ir::Date;

use crate::facts::{days_between, Status};
use crate::html::escape;

const FONT: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";
const WIDTH: f64 = 900.0;
/// Rough width of one character at the labels' 13px size, for layout.
const CHAR_WIDTH: f64 = 7.0;

const BLUE: &str = "#2f6fb3";
const AMBER: &str = "#d08c00";
const RED: &str = "#b42318";
const GREY: &str = "#8c959f";
const TEXT: &str = "#1f2328";
const MUTED: &str = "#59636e";
const GRID: &str = "#e1e4e8";

/// One model version on the timeline.
#[derive(Clone, Debug)]
pub(crate) struct TimelineRow {
    /// `gpt-5.5 2026-04-24`.
    pub label: String,
    pub retirement: Option<Date>,
    pub retirement_not_before: Option<Date>,
    pub deprecation: Option<Date>,
    pub status: Status,
    /// Deployed by at least one endpoint.
    pub in_use: bool,
}

fn number(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded == 0.0 {
        // Never `-0`.
        "0".to_owned()
    } else if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}

fn text_width(text: &str) -> f64 {
    text.chars().count() as f64 * CHAR_WIDTH
}

/// The first day of the month `months` after the month of `date` (negative: before).
fn month_start(date: Date, months: i32) -> Date {
    let index = date.year * 12 + i32::from(date.month) - 1 + months;
    Date {
        year: index.div_euclid(12),
        month: (index.rem_euclid(12) + 1) as u8,
        day: 1,
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn open(width: f64, height: f64, title: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" role=\"img\" font-family=\"{FONT}\" font-size=\"13\" \
         fill=\"{TEXT}\">\n<title>{}</title>\n<rect width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>\n",
        escape(title),
        w = number(width),
        h = number(height),
    )
}

/// The retirement timeline: one bar per version from the left edge to its retirement date,
/// coloured by status, with today marked and the policy's warning horizon shaded.
pub(crate) fn timeline(
    title: &str,
    rows: &[TimelineRow],
    today: Date,
    horizon_days: u32,
) -> String {
    let label_width = rows
        .iter()
        .map(|row| text_width(&row.label) + if row.in_use { 14.0 } else { 0.0 })
        .fold(120.0, f64::max)
        .min(340.0)
        + 24.0;
    let chart_left = label_width;
    let chart_right = WIDTH - 24.0;
    let chart_width = chart_right - chart_left;
    let top = 78.0;
    let row_height = 30.0;
    let chart_bottom = top + row_height * rows.len().max(1) as f64;
    let height = chart_bottom + 92.0;

    let horizon_end =
        Date::from_days_since_epoch(today.days_since_epoch() + i64::from(horizon_days));
    let latest = rows
        .iter()
        .filter_map(|row| row.retirement.or(row.retirement_not_before))
        .chain([horizon_end])
        .max()
        .unwrap_or(horizon_end);
    let start = month_start(today, -1);
    let mut end = month_start(
        Date::from_days_since_epoch(latest.days_since_epoch() + 45),
        1,
    );
    if days_between(start, end) < 365 {
        end = month_start(start, 12);
    }
    let total_days = days_between(start, end) as f64;
    let x = |date: Date| -> f64 {
        let offset = days_between(start, date) as f64;
        chart_left + (offset / total_days).clamp(0.0, 1.0) * chart_width
    };

    let mut svg = open(WIDTH, height, title);
    svg.push_str(&format!(
        "<text x=\"16\" y=\"26\" font-size=\"15\" font-weight=\"600\">{}</text>\n",
        escape(title)
    ));

    // The warning horizon, behind everything else.
    let (horizon_left, horizon_right) = (x(today), x(horizon_end));
    svg.push_str(&format!(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#fff1c2\"/>\n",
        number(horizon_left),
        number(top - 8.0),
        number((horizon_right - horizon_left).max(0.0)),
        number(chart_bottom - top + 8.0)
    ));

    // Month grid and axis labels.
    let months = (end.year - start.year) * 12 + i32::from(end.month) - i32::from(start.month);
    let step = match months {
        0..=14 => 1,
        15..=28 => 2,
        29..=42 => 3,
        43..=84 => 6,
        _ => 12,
    };
    let mut month = 0;
    while month <= months {
        let date = month_start(start, month);
        let tick = x(date);
        svg.push_str(&format!(
            "<line x1=\"{t}\" y1=\"{}\" x2=\"{t}\" y2=\"{}\" stroke=\"{GRID}\"/>\n",
            number(top - 8.0),
            number(chart_bottom),
            t = number(tick)
        ));
        if month < months {
            let name = MONTHS[usize::from(date.month - 1)];
            let label = if date.month == 1 || month == 0 {
                format!("{name} {}", date.year)
            } else {
                name.to_owned()
            };
            svg.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"{MUTED}\">{label}</text>\n",
                number(tick + 3.0),
                number(top - 14.0)
            ));
        }
        month += step;
    }

    for (index, row) in rows.iter().enumerate() {
        let y = top + row_height * index as f64;
        let bar_y = y + 8.0;
        let colour = match row.status {
            Status::Current => BLUE,
            Status::RetiresSoon { .. } | Status::MayRetireSoon { .. } => AMBER,
            Status::Retired => RED,
            Status::NotInCatalog => GREY,
        };
        let label_x = chart_left - 12.0;
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n",
            number(label_x),
            number(bar_y + 11.0),
            escape(&row.label)
        ));
        if row.in_use {
            // A dot before the label: deployed by an endpoint.
            svg.push_str(&format!(
                "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{TEXT}\"/>\n",
                number(label_x - text_width(&row.label) - 8.0),
                number(bar_y + 7.0)
            ));
        }
        let (bar_end, note, open_ended) = match (row.retirement, row.retirement_not_before) {
            (Some(date), _) => (x(date), format!("retires {date}"), false),
            (None, Some(date)) => (x(date), format!("not before {date}"), true),
            (None, None) => (chart_right, "no retirement date announced".to_owned(), true),
        };
        let bar_width = (bar_end - chart_left).max(2.0);
        svg.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"14\" rx=\"3\" fill=\"{colour}\"{}/>\n",
            number(chart_left),
            number(bar_y),
            number(bar_width),
            if row.retirement.is_none() && row.retirement_not_before.is_none() {
                " fill-opacity=\"0.45\""
            } else {
                ""
            }
        ));
        if open_ended && bar_end < chart_right {
            svg.push_str(&format!(
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"14\" fill=\"none\" stroke=\"{colour}\" stroke-dasharray=\"4 3\"/>\n",
                number(bar_end),
                number(bar_y),
                number(chart_right - bar_end)
            ));
        }
        if let Some(deprecation) = row
            .deprecation
            .filter(|date| *date >= start && *date <= end)
        {
            let mark = x(deprecation);
            svg.push_str(&format!(
                "<path d=\"M{} {}l5 7l-5 7l-5 -7z\" fill=\"{TEXT}\" stroke=\"#ffffff\"/>\n",
                number(mark),
                number(bar_y)
            ));
        }
        let note_width = text_width(&note) * 0.9;
        if bar_end + 8.0 + note_width <= chart_right {
            svg.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"{MUTED}\">{}</text>\n",
                number(bar_end + 8.0),
                number(bar_y + 11.0),
                escape(&note)
            ));
        } else {
            svg.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#ffffff\" text-anchor=\"end\">{}</text>\n",
                number(bar_end - 6.0),
                number(bar_y + 11.0),
                escape(&note)
            ));
        }
    }

    // Today, over the bars.
    let today_x = x(today);
    svg.push_str(&format!(
        "<line x1=\"{t}\" y1=\"{}\" x2=\"{t}\" y2=\"{}\" stroke=\"{RED}\" stroke-width=\"2\"/>\n\
         <text x=\"{t}\" y=\"{}\" font-size=\"12\" fill=\"{RED}\" text-anchor=\"middle\">today {today}</text>\n",
        number(top - 8.0),
        number(chart_bottom + 4.0),
        number(chart_bottom + 18.0),
        t = number(today_x)
    ));
    svg.push_str(&format!(
        "<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"{AMBER}\">warning horizon: {horizon_days} days</text>\n",
        number((horizon_right + 4.0).min(chart_right - 150.0)),
        number(top - 30.0)
    ));

    // Legend.
    let legend_y = chart_bottom + 46.0;
    let mut legend_x = 16.0;
    for (colour, label) in [
        (BLUE, "current"),
        (AMBER, "retires within the warning horizon"),
        (RED, "retired"),
    ] {
        svg.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"14\" rx=\"3\" fill=\"{colour}\"/>\n\
             <text x=\"{}\" y=\"{}\" font-size=\"12\">{label}</text>\n",
            number(legend_x),
            number(legend_y - 11.0),
            number(legend_x + 20.0),
            number(legend_y)
        ));
        legend_x += 20.0 + text_width(label) * 0.9 + 22.0;
    }
    svg.push_str(&format!(
        "<path d=\"M{} {}l5 7l-5 7l-5 -7z\" fill=\"{TEXT}\"/>\n\
         <text x=\"{}\" y=\"{}\" font-size=\"12\">no new customers from</text>\n",
        number(legend_x + 5.0),
        number(legend_y - 11.0),
        number(legend_x + 16.0),
        number(legend_y)
    ));
    let second_line = legend_y + 22.0;
    svg.push_str(&format!(
        "<circle cx=\"23\" cy=\"{}\" r=\"4\" fill=\"{TEXT}\"/>\n\
         <text x=\"36\" y=\"{}\" font-size=\"12\">deployed by an endpoint</text>\n\
         <rect x=\"210\" y=\"{}\" width=\"14\" height=\"14\" fill=\"#fff1c2\" stroke=\"{AMBER}\"/>\n\
         <text x=\"230\" y=\"{}\" font-size=\"12\">the policy's warning horizon ({horizon_days} days from today)</text>\n",
        number(second_line - 4.0),
        number(second_line),
        number(second_line - 11.0),
        number(second_line)
    ));
    svg.push_str("</svg>\n");
    svg
}

/// A column of the region matrix.
#[derive(Clone, Debug)]
pub(crate) struct RegionColumn {
    pub region: String,
    /// The data zone label (`EU`), if the catalog gives one.
    pub zone: Option<String>,
}

/// A row of the region matrix: one endpoint.
#[derive(Clone, Debug)]
pub(crate) struct EndpointRow {
    pub label: String,
    pub detail: String,
    /// Per column: `None` when the endpoint does not run there.
    pub cells: Vec<Option<RegionCell>>,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct RegionCell {
    pub serving: bool,
    pub capacity: u32,
}

/// The matrix of endpoints (rows) by region (columns, grouped by data zone): a filled circle
/// where an endpoint serves, an open one where it stands by, each with its capacity.
pub(crate) fn region_matrix(title: &str, columns: &[RegionColumn], rows: &[EndpointRow]) -> String {
    let label_width = rows
        .iter()
        .map(|row| text_width(&row.label).max(text_width(&row.detail) * 0.85))
        .fold(140.0, f64::max)
        .min(360.0)
        + 32.0;
    let cell_width = 64.0;
    let longest_region = columns
        .iter()
        .map(|c| text_width(&c.region))
        .fold(0.0, f64::max);
    // Region names are written at 40 degrees: their height is about 0.64 of their length.
    let header_height = 24.0 + longest_region * 0.64 + 12.0;
    let top = 40.0 + header_height;
    let row_height = 46.0;
    let grid_left = label_width;
    let grid_right = grid_left + cell_width * columns.len() as f64;
    let width = (grid_right + 24.0 + longest_region * 0.77).max(520.0);
    let bottom = top + row_height * rows.len() as f64;
    let height = bottom + 52.0;

    let mut svg = open(width, height, title);
    svg.push_str(&format!(
        "<text x=\"16\" y=\"26\" font-size=\"15\" font-weight=\"600\">{}</text>\n",
        escape(title)
    ));

    // Data-zone bands over groups of adjacent columns.
    let mut start = 0;
    while start < columns.len() {
        let zone = &columns[start].zone;
        let mut end = start;
        while end + 1 < columns.len() && columns[end + 1].zone == *zone {
            end += 1;
        }
        let left = grid_left + cell_width * start as f64 + 2.0;
        let band_width = cell_width * (end - start + 1) as f64 - 4.0;
        let label = match zone {
            Some(zone) => format!("{zone} data zone"),
            None => "no data zone".to_owned(),
        };
        svg.push_str(&format!(
            "<rect x=\"{}\" y=\"44\" width=\"{}\" height=\"20\" rx=\"3\" fill=\"#eef4fb\"/>\n\
             <text x=\"{}\" y=\"58\" font-size=\"11\" text-anchor=\"middle\" fill=\"{MUTED}\">{}</text>\n",
            number(left),
            number(band_width),
            number(left + band_width / 2.0),
            escape(&label)
        ));
        start = end + 1;
    }

    for (index, column) in columns.iter().enumerate() {
        let center = grid_left + cell_width * (index as f64 + 0.5);
        svg.push_str(&format!(
            "<text transform=\"translate({} {}) rotate(-40)\" font-size=\"12\">{}</text>\n\
             <line x1=\"{c}\" y1=\"{}\" x2=\"{c}\" y2=\"{}\" stroke=\"{GRID}\"/>\n",
            number(center - 4.0),
            number(top - 10.0),
            escape(&column.region),
            number(top),
            number(bottom),
            c = number(center)
        ));
    }

    for (index, row) in rows.iter().enumerate() {
        let y = top + row_height * index as f64;
        if index % 2 == 1 {
            svg.push_str(&format!(
                "<rect x=\"8\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#f6f8fa\"/>\n",
                number(y),
                number(grid_right - 8.0),
                number(row_height)
            ));
        }
        svg.push_str(&format!(
            "<text x=\"16\" y=\"{}\" font-weight=\"600\">{}</text>\n\
             <text x=\"16\" y=\"{}\" font-size=\"11\" fill=\"{MUTED}\">{}</text>\n",
            number(y + 20.0),
            escape(&row.label),
            number(y + 36.0),
            escape(&row.detail)
        ));
        for (column, cell) in row.cells.iter().enumerate() {
            let Some(cell) = cell else { continue };
            let cx = grid_left + cell_width * (column as f64 + 0.5);
            let cy = y + row_height / 2.0;
            let (fill, text_fill, dash) = if cell.serving {
                (BLUE, "#ffffff", "")
            } else {
                ("#ffffff", BLUE, " stroke-dasharray=\"3 2\"")
            };
            svg.push_str(&format!(
                "<circle cx=\"{}\" cy=\"{}\" r=\"17\" fill=\"{fill}\" stroke=\"{BLUE}\" stroke-width=\"2\"{dash}/>\n\
                 <text x=\"{}\" y=\"{}\" font-size=\"12\" font-weight=\"600\" text-anchor=\"middle\" fill=\"{text_fill}\">{}</text>\n",
                number(cx),
                number(cy),
                number(cx),
                number(cy + 4.0),
                cell.capacity
            ));
        }
    }

    let legend_y = bottom + 30.0;
    svg.push_str(&format!(
        "<circle cx=\"26\" cy=\"{c}\" r=\"9\" fill=\"{BLUE}\" stroke=\"{BLUE}\" stroke-width=\"2\"/>\n\
         <text x=\"42\" y=\"{t}\" font-size=\"12\">serves traffic (capacity units)</text>\n\
         <circle cx=\"256\" cy=\"{c}\" r=\"9\" fill=\"#ffffff\" stroke=\"{BLUE}\" stroke-width=\"2\" stroke-dasharray=\"3 2\"/>\n\
         <text x=\"272\" y=\"{t}\" font-size=\"12\">stands by for failover (capacity units)</text>\n",
        c = number(legend_y - 4.0),
        t = number(legend_y)
    ));
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        Date::parse(text).expect("a valid date")
    }

    #[test]
    fn month_arithmetic_wraps_years() {
        assert_eq!(month_start(date("2026-11-22"), -1), date("2026-10-01"));
        assert_eq!(month_start(date("2026-11-22"), 2), date("2027-01-01"));
        assert_eq!(month_start(date("2026-01-05"), -1), date("2025-12-01"));
    }

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(number(12.0), "12");
        assert_eq!(number(12.345), "12.3");
        assert_eq!(number(-0.04), "0");
    }

    #[test]
    fn the_timeline_is_deterministic_and_escapes_labels() {
        let rows = vec![TimelineRow {
            label: "model<&> 1".to_owned(),
            retirement: Some(date("2027-03-01")),
            retirement_not_before: None,
            deprecation: Some(date("2026-12-01")),
            status: Status::RetiresSoon { days: 99 },
            in_use: true,
        }];
        let first = timeline("Retirements", &rows, date("2026-11-22"), 120);
        assert_eq!(
            first,
            timeline("Retirements", &rows, date("2026-11-22"), 120)
        );
        assert!(first.contains("model&lt;&amp;&gt; 1"));
        assert!(first.contains("today 2026-11-22"));
    }
}
