fn main() -> std::process::ExitCode {
    newsmark::cli::main()
}
