//! The permission table and the extremes of every number, straight through the catalog's
//! dispatch (the table itself: permission_table/mod.rs; crates/server runs it over HTTPS).

mod permission_table;

use permission_table::InProcess;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_as_every_caller() {
    permission_table::every_operation_as_every_caller(Box::new(InProcess)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_extremes_of_every_numeric_field_are_answered_not_panicked() {
    permission_table::the_extremes_of_every_numeric_field_are_answered_not_panicked(Box::new(
        InProcess,
    ))
    .await;
}
