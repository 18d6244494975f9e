// rmqsim: the command-line tool. Subcommands arrive with the capabilities behind them; today: decode.
#include <CLI/CLI.hpp>

#include <iostream>

#include "sim/cli/decode_command.h"

namespace {

constexpr const char* kVersion = "rmqsim 0.1.0 (RocketMQ remoting protocol, reference client 4.9.8)";

void add_decode(CLI::App& app, rmq::cli::DecodeOptions& options) {
  auto* decode = app.add_subcommand(
      "decode", "Decode a stream of RemotingCommand frames and print one JSON object per command");
  decode->add_option("input", options.input, "File of raw frames, or - for standard input")->capture_default_str();
  decode->add_flag("--hex", options.hex, "The input is hex text (whitespace ignored)");
  decode->add_flag("--pretty", options.pretty, "One field per line");
  decode->add_option("--max-frame", options.max_frame_length,
                     "Frame limit in bytes, length word included (the real servers use 16777216)")
      ->check(CLI::Range(8u, 0x7FFFFFFFu))
      ->capture_default_str();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"rmqsim: deterministic simulation and test harness for the Apache RocketMQ 4.x client protocol"};
  app.set_version_flag("--version", kVersion);
  app.require_subcommand(1);
  rmq::cli::DecodeOptions decode_options;
  add_decode(app, decode_options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "rmqsim: " << e.what() << " (see rmqsim --help)\n";
    return 2;
  }
  if (app.got_subcommand("decode")) return rmq::cli::run_decode(decode_options, std::cin, std::cout, std::cerr);
  return 2;
}
