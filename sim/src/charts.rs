//! Plain SVG charts for the simulation report: a line chart over simulated days and a
//! horizontal bar chart. No dependencies, and the same figures give the same bytes.

use std::fmt::Write;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 320.0;
const LEFT: f64 = 90.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 52.0;
const BOTTOM: f64 = 50.0;
/// Series colours, colour-blind safe (Okabe-Ito).
const COLOURS: [&str; 6] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
];

/// One named series of values, one per day.
pub struct Series<'a> {
    pub name: &'a str,
    pub values: Vec<f64>,
}

fn header(title: &str, height: f64) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" \
         viewBox=\"0 0 {WIDTH} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{}</text>\n",
        WIDTH / 2.0,
        escape(title)
    )
}

/// Escapes text for SVG and HTML.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A round upper bound for an axis: 1, 2 or 5 times a power of ten.
fn nice_ceiling(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let power = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|step| step * power)
        .find(|bound| *bound >= max)
        .unwrap_or(10.0 * power)
}

/// A compact label: 1.5k, 2M.
fn short(value: f64) -> String {
    let (scaled, suffix) = match value.abs() {
        v if v >= 1e9 => (value / 1e9, "G"),
        v if v >= 1e6 => (value / 1e6, "M"),
        v if v >= 1e3 => (value / 1e3, "k"),
        _ => (value, ""),
    };
    let text = format!("{scaled:.1}");
    format!("{}{suffix}", text.trim_end_matches(".0"))
}

/// The top of a plot of `series`: their largest value, rounded up.
fn top_of(series: &[Series]) -> f64 {
    nice_ceiling(
        series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .fold(0.0, f64::max),
    )
}

/// The y axis of a plot whose top is `max`: five grid lines with their values, and
/// `unit` along the axis.
fn y_axis(svg: &mut String, max: f64, unit: &str) {
    let plot_h = HEIGHT - TOP - BOTTOM;
    for tick in 0..=4 {
        let value = max * f64::from(tick) / 4.0;
        let level = TOP + plot_h * (1.0 - value / max);
        let (right, label_x) = (WIDTH - RIGHT, LEFT - 6.0);
        let _ = writeln!(
            svg,
            "<line x1=\"{LEFT}\" x2=\"{right}\" y1=\"{level:.1}\" y2=\"{level:.1}\" stroke=\"#ddd\"/>\
             <text x=\"{label_x}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            level + 4.0,
            short(value)
        );
    }
    let middle = TOP + plot_h / 2.0;
    let _ = writeln!(
        svg,
        "<text x=\"14\" y=\"{middle:.1}\" transform=\"rotate(-90 14 {middle:.1})\" text-anchor=\"middle\">{}</text>",
        escape(unit)
    );
}

/// Lines over days 1..=n, with a legend; `unit` labels the y axis.
pub fn lines(title: &str, unit: &str, series: &[Series]) -> String {
    let mut svg = header(title, HEIGHT);
    let days = series
        .iter()
        .map(|s| s.values.len())
        .max()
        .unwrap_or(0)
        .max(1);
    let max = top_of(series);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = |day: usize| LEFT + plot_w * day as f64 / (days.max(2) - 1) as f64;
    let y = |value: f64| TOP + plot_h * (1.0 - value / max);
    y_axis(&mut svg, max, unit);
    let _ = writeln!(
        svg,
        "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">simulated day</text>",
        LEFT + plot_w / 2.0,
        HEIGHT - 8.0
    );
    for day in [1, days.div_ceil(2), days] {
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{day}</text>",
            x(day - 1),
            HEIGHT - BOTTOM + 16.0
        );
    }
    for (n, line) in series.iter().enumerate() {
        let colour = COLOURS[n % COLOURS.len()];
        let points: Vec<String> = line
            .values
            .iter()
            .enumerate()
            .map(|(day, value)| format!("{:.1},{:.1}", x(day), y(*value)))
            .collect();
        let _ = writeln!(
            svg,
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{}\"/>\n\
             <rect x=\"{:.1}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{colour}\"/>\
             <text x=\"{:.1}\" y=\"{}\">{}</text>",
            points.join(" "),
            LEFT + 10.0 + 170.0 * n as f64,
            TOP - 22.0,
            LEFT + 26.0 + 170.0 * n as f64,
            TOP - 12.0,
            escape(line.name)
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// Horizontal bars, one per label; `unit` follows each value.
pub fn bars(title: &str, unit: &str, bars: &[(String, f64)]) -> String {
    let row = 28.0;
    let height = TOP + row * bars.len().max(1) as f64 + 20.0;
    let mut svg = header(title, height);
    let label_w = 170.0;
    let max = bars.iter().map(|(_, v)| *v).fold(0.0, f64::max).max(1e-9);
    let plot_w = WIDTH - label_w - 90.0;
    for (n, (label, value)) in bars.iter().enumerate() {
        let top = TOP + row * n as f64;
        let width = plot_w * value / max;
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\
             <rect x=\"{label_w}\" y=\"{top:.1}\" width=\"{width:.1}\" height=\"{}\" fill=\"{}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\">{} {}</text>",
            label_w - 8.0,
            top + 15.0,
            escape(label),
            row - 8.0,
            COLOURS[n % COLOURS.len()],
            label_w + width + 6.0,
            top + 15.0,
            short(*value),
            escape(unit)
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// Grouped columns: one group per category, one column per series (each series has a
/// value per category), with a legend; `unit` labels the y axis.
pub fn columns(title: &str, unit: &str, categories: &[String], series: &[Series]) -> String {
    let mut svg = header(title, HEIGHT);
    let max = top_of(series);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let y = |value: f64| TOP + plot_h * (1.0 - value / max);
    y_axis(&mut svg, max, unit);
    let group_w = plot_w / categories.len().max(1) as f64;
    let column_w = group_w * 0.8 / series.len().max(1) as f64;
    for (c, category) in categories.iter().enumerate() {
        let left = LEFT + group_w * c as f64 + group_w * 0.1;
        for (n, line) in series.iter().enumerate() {
            let value = line.values.get(c).copied().unwrap_or_default();
            let top = y(value);
            let _ = writeln!(
                svg,
                "<rect x=\"{:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\"/>",
                left + column_w * n as f64,
                column_w.max(1.0),
                TOP + plot_h - top,
                COLOURS[n % COLOURS.len()]
            );
        }
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            LEFT + group_w * (c as f64 + 0.5),
            HEIGHT - BOTTOM + 16.0,
            escape(category)
        );
    }
    for (n, line) in series.iter().enumerate() {
        let colour = COLOURS[n % COLOURS.len()];
        let _ = writeln!(
            svg,
            "<rect x=\"{:.1}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{colour}\"/>\
             <text x=\"{:.1}\" y=\"{}\">{}</text>",
            LEFT + 10.0 + 125.0 * n as f64,
            TOP - 22.0,
            LEFT + 26.0 + 125.0 * n as f64,
            TOP - 12.0,
            escape(line.name)
        );
    }
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_end_on_round_numbers() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(3.2), 5.0);
        assert_eq!(nice_ceiling(120.0), 200.0);
        assert_eq!(nice_ceiling(1_000.0), 1_000.0);
        assert_eq!(short(1_500.0), "1.5k");
        assert_eq!(short(2_000_000.0), "2M");
    }

    #[test]
    fn charts_are_well_formed_and_escaped() {
        let svg = lines(
            "a & b",
            "coins",
            &[Series {
                name: "<supply>",
                values: vec![1.0, 2.0, 3.0],
            }],
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
        assert!(svg.contains("a &amp; b") && svg.contains("&lt;supply&gt;"));
        let svg = bars("turnout", "%", &[("poll".into(), 40.0)]);
        assert!(svg.contains("40 %"));
        let svg = columns(
            "rent",
            "coins",
            &["1".into(), "<2>".into()],
            &[Series {
                name: "due",
                values: vec![10.0, 20.0],
            }],
        );
        assert!(svg.ends_with("</svg>\n") && svg.contains("&lt;2&gt;"));
        assert_eq!(svg.matches("<rect").count(), 1 + 2 + 1);
    }
}
