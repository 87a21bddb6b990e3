//! Charter's Azure client: authentication, Azure Resource Manager requests with retries, and
//! the plan and apply of the policy objects a project publishes.
//!
//! The pure part (no IO) compares and decides: [`desired`] (what the build would publish),
//! [`normalize`], [`diff`], [`plan`] (actions, cascades, the order of operations) and
//! [`semantic`]. The IO part talks to Azure: [`auth`] (credentials through the Azure SDK for
//! Rust), [`arm`] (a client that can GET any ARM path with paging, and PUT and DELETE, with
//! retries) and [`publish`] (reading the deployed state and applying a plan).

pub mod arm;
pub mod auth;
pub mod desired;
pub mod diff;
pub mod model;
pub mod models;
pub mod normalize;
pub mod plan;
pub mod publish;
pub mod render;
pub mod semantic;

pub use model::{ApiVersions, DeployedObject, DesiredObject, Kind};
