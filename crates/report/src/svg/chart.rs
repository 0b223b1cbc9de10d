//! A small line chart: axes with round ticks, series as polylines broken at missing values,
//! step lines, censoring ticks, and a dashed vertical mark at day 0 (the infusion).

use std::fmt::Write as _;

use crate::html::escape;

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Points joined by straight lines, with a dot at each observed point.
    Line,
    /// A step function: each value holds until the next point (dose, survival).
    Step,
}

/// One series. `points` are (x, y); a `None` y is a gap: the line breaks there.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub color: &'static str,
    pub style: Style,
    pub points: Vec<(f64, Option<f64>)>,
    /// x positions to mark with a small vertical tick on the line (censored subjects).
    pub ticks: Vec<(f64, f64)>,
    pub dashed: bool,
    /// Step lines: extend the last value to this x.
    pub until: Option<f64>,
}

impl Series {
    pub fn line(
        name: impl Into<String>,
        color: &'static str,
        points: Vec<(f64, Option<f64>)>,
    ) -> Series {
        Series {
            name: name.into(),
            color,
            style: Style::Line,
            points,
            ticks: Vec::new(),
            dashed: false,
            until: None,
        }
    }

    pub fn step(
        name: impl Into<String>,
        color: &'static str,
        points: Vec<(f64, Option<f64>)>,
    ) -> Series {
        Series {
            style: Style::Step,
            ..Series::line(name, color, points)
        }
    }
}

/// A chart panel.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub series: Vec<Series>,
    /// Draw the dashed "infusion" line at x = 0.
    pub mark_day0: bool,
    /// Start the y axis at zero (doses, counts, probabilities).
    pub y_from_zero: bool,
    /// A fixed y range (survival: 0–1).
    pub y_range: Option<(f64, f64)>,
    pub width: f64,
    pub height: f64,
    /// Draw the legend under the title.
    pub legend: bool,
}

impl Chart {
    pub fn new(
        title: impl Into<String>,
        x_label: impl Into<String>,
        y_label: impl Into<String>,
    ) -> Chart {
        Chart {
            title: title.into(),
            x_label: x_label.into(),
            y_label: y_label.into(),
            series: Vec::new(),
            mark_day0: false,
            y_from_zero: false,
            y_range: None,
            width: 360.0,
            height: 220.0,
            legend: true,
        }
    }
}

/// Round tick positions covering [lo, hi] (about `count` of them: 1, 2 or 5 × 10^k apart).
pub fn ticks(lo: f64, hi: f64, count: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return vec![lo];
    }
    let raw = (hi - lo) / count.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    let first = (lo / step).floor() * step;
    let mut out = Vec::new();
    let mut t = first;
    while t <= hi + step * 1e-9 {
        if t >= lo - step * 1e-9 {
            out.push(if t.abs() < step * 1e-9 { 0.0 } else { t });
        }
        t += step;
    }
    out
}

/// A tick label without trailing zeros ("0.5", "250", "1,000" is not used: plain digits).
pub fn tick_label(t: f64) -> String {
    if t == t.round() && t.abs() < 1e15 {
        format!("{}", t as i64)
    } else {
        let s = format!("{t:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

fn domain(chart: &Chart) -> ((f64, f64), (f64, f64)) {
    let xs = chart
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0).chain(s.until))
        .chain(chart.mark_day0.then_some(0.0));
    let ys = chart
        .series
        .iter()
        .flat_map(|s| s.points.iter().filter_map(|p| p.1))
        .chain(chart.y_from_zero.then_some(0.0));
    let span = |it: &mut dyn Iterator<Item = f64>| {
        it.fold(None, |acc: Option<(f64, f64)>, v| {
            Some(acc.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))))
        })
    };
    let mut x = span(&mut { xs }).unwrap_or((0.0, 1.0));
    let mut y = chart
        .y_range
        .or_else(|| span(&mut { ys }))
        .unwrap_or((0.0, 1.0));
    if x.1 <= x.0 {
        x = (x.0 - 1.0, x.1 + 1.0);
    }
    if y.1 <= y.0 {
        y = (y.0 - 1.0, y.1 + 1.0);
    }
    (x, y)
}

/// The chart as one `<svg>` element.
pub fn render(chart: &Chart) -> String {
    let (w, h) = (chart.width, chart.height);
    let legend_rows = if chart.legend && !chart.series.is_empty() {
        1 + chart.series.len().saturating_sub(1) / 3
    } else {
        0
    };
    let (left, right, top, bottom) = (52.0, 12.0, 22.0 + 13.0 * legend_rows as f64, 34.0);
    let ((x0, x1), (y0, y1)) = domain(chart);
    let x_ticks = ticks(x0, x1, 6);
    let y_ticks = ticks(y0, y1, 5);
    // Extend the domain to the outer ticks so lines never leave the frame.
    let x0 = x0.min(*x_ticks.first().unwrap_or(&x0));
    let x1 = x1.max(*x_ticks.last().unwrap_or(&x1));
    let y0 = y0.min(*y_ticks.first().unwrap_or(&y0));
    let y1 = y1.max(*y_ticks.last().unwrap_or(&y1));
    let px = |x: f64| left + (x - x0) / (x1 - x0) * (w - left - right);
    let py = |y: f64| h - bottom - (y - y0) / (y1 - y0) * (h - top - bottom);

    let mut s = String::with_capacity(4096);
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\" font-size=\"10\" role=\"img\"><title>{}</title>",
        escape(&chart.title)
    );
    let _ = write!(
        s,
        "<rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"white\"/><text x=\"{left}\" y=\"13\" font-size=\"11\" font-weight=\"bold\">{}</text>",
        escape(&chart.title)
    );
    // Legend.
    if legend_rows > 0 {
        for (i, series) in chart.series.iter().enumerate() {
            let (row, col) = (i / 3, i % 3);
            let lx = left + col as f64 * ((w - left - right) / 3.0);
            let ly = 26.0 + row as f64 * 13.0;
            let dash = if series.dashed {
                " stroke-dasharray=\"4 2\""
            } else {
                ""
            };
            // A series without a single value says so (the table shows its cells missing).
            let name = if series.points.iter().any(|p| p.1.is_some()) {
                series.name.clone()
            } else {
                format!("{} (no values)", series.name)
            };
            let _ = write!(
                s,
                "<line x1=\"{lx:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{}\" stroke-width=\"2\"{dash}/><text x=\"{:.1}\" y=\"{ly:.1}\">{}</text>",
                ly - 3.5,
                lx + 14.0,
                ly - 3.5,
                series.color,
                lx + 18.0,
                escape(&name)
            );
        }
    }
    // Grid and ticks.
    for t in &y_ticks {
        let y = py(*t);
        let _ = write!(
            s,
            "<line x1=\"{left}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#e3e3e3\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            w - right,
            left - 4.0,
            y + 3.5,
            tick_label(*t)
        );
    }
    for t in &x_ticks {
        let x = px(*t);
        let _ = write!(
            s,
            "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#888\"/><text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            h - bottom,
            h - bottom + 4.0,
            h - bottom + 14.0,
            tick_label(*t)
        );
    }
    let _ = write!(
        s,
        "<rect x=\"{left}\" y=\"{top}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"none\" stroke=\"#888\"/>",
        w - left - right,
        h - top - bottom
    );
    let _ = write!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text><text transform=\"translate(12 {:.1}) rotate(-90)\" text-anchor=\"middle\">{}</text>",
        left + (w - left - right) / 2.0,
        h - 6.0,
        escape(&chart.x_label),
        top + (h - top - bottom) / 2.0,
        escape(&chart.y_label)
    );
    if chart.mark_day0 && x0 <= 0.0 && 0.0 <= x1 {
        let x = px(0.0);
        let _ = write!(
            s,
            "<line x1=\"{x:.1}\" y1=\"{top}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#7a1f1f\" stroke-dasharray=\"3 3\"/><text x=\"{:.1}\" y=\"{:.1}\" fill=\"#7a1f1f\" font-size=\"9\">infusion</text>",
            h - bottom,
            x + 3.0,
            top + 10.0
        );
    }
    for series in &chart.series {
        draw_series(&mut s, series, &px, &py);
    }
    s.push_str("</svg>");
    s
}

fn draw_series(s: &mut String, series: &Series, px: &dyn Fn(f64) -> f64, py: &dyn Fn(f64) -> f64) {
    let dash = if series.dashed {
        " stroke-dasharray=\"5 3\""
    } else {
        ""
    };
    let mut segments: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for (x, y) in &series.points {
        match y {
            Some(y) => segments.last_mut().map_or((), |seg| seg.push((*x, *y))),
            None => segments.push(Vec::new()),
        }
    }
    for (k, segment) in segments.iter().enumerate() {
        if segment.is_empty() {
            continue;
        }
        let mut path = String::new();
        for (i, (x, y)) in segment.iter().enumerate() {
            if i == 0 {
                let _ = write!(path, "M{:.1},{:.1}", px(*x), py(*y));
            } else {
                match series.style {
                    Style::Line => {
                        let _ = write!(path, " L{:.1},{:.1}", px(*x), py(*y));
                    }
                    Style::Step => {
                        let _ = write!(path, " H{:.1} V{:.1}", px(*x), py(*y));
                    }
                }
            }
        }
        let last_segment = k + 1 == segments.len();
        if let (Style::Step, Some(until), true, Some(last)) =
            (series.style, series.until, last_segment, segment.last())
            && until > last.0
        {
            let _ = write!(path, " H{:.1}", px(until));
        }
        let _ = write!(
            s,
            "<path d=\"{path}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.6\"{dash}/>",
            series.color
        );
        if series.style == Style::Line {
            for (x, y) in segment {
                let _ = write!(
                    s,
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.4\" fill=\"{}\"/>",
                    px(*x),
                    py(*y),
                    series.color
                );
            }
        }
    }
    for (x, y) in &series.ticks {
        let (cx, cy) = (px(*x), py(*y));
        let _ = write!(
            s,
            "<line x1=\"{cx:.1}\" y1=\"{:.1}\" x2=\"{cx:.1}\" y2=\"{:.1}\" stroke=\"{}\" stroke-width=\"1.2\"/>",
            cy - 4.0,
            cy + 4.0,
            series.color
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(
            ticks(0.0, 274.0, 6),
            vec![0.0, 50.0, 100.0, 150.0, 200.0, 250.0]
        );
        assert_eq!(
            ticks(0.0, 1.0, 5),
            vec![0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]
        );
        assert_eq!(tick_label(0.6000000000000001), "0.6");
        assert_eq!(tick_label(-10.0), "-10");
    }
}
