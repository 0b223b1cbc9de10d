//! The CONSORT 2010 flow diagram (Schulz et al., BMJ 2010;340:c332): enrolment, allocation,
//! follow-up and analysis boxes with their counts, drawn as SVG boxes and arrows.

use std::fmt::Write as _;

use crate::html::escape;
use crate::trial::Consort;

struct Box {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

fn draw_box(s: &mut String, b: &Box, lines: &[String]) {
    let _ = write!(
        s,
        "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"white\" stroke=\"#333\"/>",
        b.x, b.y, b.w, b.h
    );
    for (i, line) in lines.iter().enumerate() {
        let weight = if i == 0 { " font-weight=\"bold\"" } else { "" };
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\"{weight}>{}</text>",
            b.x + 6.0,
            b.y + 14.0 + 13.0 * i as f64,
            escape(line)
        );
    }
}

fn arrow(s: &mut String, x1: f64, y1: f64, x2: f64, y2: f64) {
    let _ = write!(
        s,
        "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"#333\" marker-end=\"url(#arrow)\"/>"
    );
}

fn stage(s: &mut String, y: f64, label: &str, width: f64) {
    let _ = write!(
        s,
        "<rect x=\"4\" y=\"{:.1}\" width=\"{:.1}\" height=\"18\" fill=\"#dde6f0\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-weight=\"bold\">{}</text>",
        y,
        width - 8.0,
        width / 2.0,
        y + 13.0,
        escape(label)
    );
}

/// The diagram; `names` names the groups (arm ids, or "Group A" when blinded).
pub fn consort_diagram(c: &Consort, names: &[String]) -> String {
    let groups = c.groups.len().max(1);
    let col = 250.0;
    let width = (col + 20.0) * groups as f64 + 20.0;
    let width = width.max(560.0);
    let mid = width / 2.0;
    let height = 462.0;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"11\" role=\"img\"><title>CONSORT flow diagram</title>\
         <defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#333\"/></marker></defs>\
         <rect x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" fill=\"white\"/>"
    );
    stage(&mut s, 4.0, "Enrolment", width);
    let assessed = Box {
        x: mid - 110.0,
        y: 30.0,
        w: 220.0,
        h: 34.0,
    };
    draw_box(
        &mut s,
        &assessed,
        &[format!("Assessed for eligibility (n={})", c.assessed)],
    );
    let excluded = Box {
        x: mid + 40.0,
        y: 78.0,
        w: width - mid - 50.0,
        h: 68.0,
    };
    draw_box(
        &mut s,
        &excluded,
        &[
            format!("Excluded (n={})", c.excluded),
            format!("• Not meeting criteria (n={})", c.not_eligible),
            format!("• Screening incomplete (n={})", c.screening_incomplete),
            format!(
                "• Eligible, not randomized (n={})",
                c.eligible_not_randomized
            ),
        ],
    );
    arrow(&mut s, mid - 60.0, 64.0, mid - 60.0, 166.0);
    let _ = write!(
        s,
        "<line x1=\"{:.1}\" y1=\"112\" x2=\"{:.1}\" y2=\"112\" stroke=\"#333\" marker-end=\"url(#arrow)\"/>",
        mid - 60.0,
        mid + 40.0
    );
    let randomized = Box {
        x: mid - 130.0,
        y: 166.0,
        w: 140.0,
        h: 24.0,
    };
    draw_box(
        &mut s,
        &randomized,
        &[format!("Randomized (n={})", c.randomized)],
    );

    stage(&mut s, 204.0, "Allocation", width);
    stage(&mut s, 296.0, "Follow-up", width);
    stage(&mut s, 386.0, "Analysis", width);
    let first_x = (width - (col + 20.0) * groups as f64 + 20.0) / 2.0;
    for (g, group) in c.groups.iter().enumerate() {
        let x = first_x + g as f64 * (col + 20.0);
        let name = names.get(g).cloned().unwrap_or_default();
        arrow(&mut s, mid - 60.0, 190.0, x + col / 2.0, 228.0);
        draw_box(
            &mut s,
            &Box {
                x,
                y: 228.0,
                w: col,
                h: 56.0,
            },
            &[
                format!("Allocated to {name} (n={})", group.allocated),
                format!("• Received the infusion (n={})", group.received),
                format!("• Did not receive it (n={})", group.not_received),
            ],
        );
        arrow(&mut s, x + col / 2.0, 284.0, x + col / 2.0, 318.0);
        draw_box(
            &mut s,
            &Box {
                x,
                y: 318.0,
                w: col,
                h: 44.0,
            },
            &[
                format!("Primary endpoint visit (n={})", group.endpoint_visit),
                format!(
                    "• No endpoint visit recorded (n={})",
                    group.no_endpoint_visit
                ),
            ],
        );
        arrow(&mut s, x + col / 2.0, 362.0, x + col / 2.0, 408.0);
        draw_box(
            &mut s,
            &Box {
                x,
                y: 408.0,
                w: col,
                h: 44.0,
            },
            &[
                format!("Analysed (n={})", group.analysed),
                format!("• Evaluable at the endpoint (n={})", group.evaluable),
            ],
        );
    }
    s.push_str("</svg>");
    s
}
