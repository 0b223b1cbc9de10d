//! The identity of an imported resource (issue #6 "re-importing the same file changes
//! nothing"): type, logical id and `meta.versionId` ("" when absent). A new version of a
//! resource is a new record; the same version is skipped.

use sledger_core::InputError;

use super::resource::{Resource, ResourceType};

/// (type, id, versionId) of a resource; a resource without an id cannot be imported
/// idempotently and is refused naming `id`.
pub fn resource_key(
    kind: ResourceType,
    resource: &Resource,
) -> Result<(&'static str, String, String), InputError> {
    let id = resource
        .id
        .as_deref()
        .filter(|id| !id.is_empty())
        .ok_or_else(|| {
            InputError::new(
                "id",
                "null",
                "every imported resource needs its logical id (re-imports are recognized by it)",
            )
        })?;
    let version = resource
        .meta
        .as_ref()
        .and_then(|m| m.version_id.clone())
        .unwrap_or_default();
    Ok((kind.name(), id.to_owned(), version))
}
