//! The migrations are embedded by `migrate!`, which tracks the files it found but cannot ask
//! cargo to watch the folders: a new migration file must still rebuild the engine.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
