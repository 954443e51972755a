//! `gradsign`: the command line for school IT.

fn main() {}
