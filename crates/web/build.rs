//! Rebuilds the crate when a message file or template is added, not only when one that was
//! already embedded changes (fluent-templates' `static_loader!` and askama embed the files
//! they find at compile time; a new `locales/*/x.ftl` would otherwise go unnoticed).

fn main() {
    println!("cargo:rerun-if-changed=locales");
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=assets");
}
