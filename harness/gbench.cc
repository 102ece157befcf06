// gbench.cc: the Google Benchmark shim behind gbench.h.  One benchmark is
// registered, run and cleared per measurement, so efbench keeps its own
// order, checks and progress; a reporter of the shim's hands each
// repetition's sample back to C.
#include "gbench.h"
#include "runners.h"
extern "C" {
#include "meta.h"
}

#include <benchmark/benchmark.h>

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <unistd.h>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace {

// One round: its slots, in the order registered, and the samples taken.
struct Round {
	ef_slot *const *order;
	unsigned n, round;
	const ef_runner_config *cfg;
	uint64_t *rng;
	unsigned samples;
};

// The --benchmark_out file: one reporter for the whole run, its context
// written before the first benchmark and its closing after the last.  The
// file is created only once the run is sure to start, and never over an
// existing one.
std::string out_path, out_format = "json";
// The flags Google Benchmark was handed, for the sidecar.
std::string handed;
std::ofstream out_file;
std::unique_ptr<benchmark::BenchmarkReporter> file_reporter;
bool context_written;

// What a sample that came after efbench was asked to stop carries: its
// batch was not run (a Google Benchmark run cannot be left early without
// an error), so it is no sample.
const char kStopped[] = "efbench: stopped";

class SampleReporter : public benchmark::BenchmarkReporter {
public:
	explicit SampleReporter(Round *r) : r_(r) {}

	bool ReportContext(const Context &c) override
	{
		if (file_reporter && !context_written) {
			file_reporter->ReportContext(c);
			context_written = true;
		}
		return true;
	}

	// One run per slot (one repetition each); a run that stopped with an
	// error, or after efbench was stopped, is no sample.
	void ReportRuns(const std::vector<Run> &runs) override
	{
		std::vector<Run> kept;

		for (const Run &r : runs) {
			if (r.report_label == kStopped || r.run_type != Run::RT_Iteration)
				continue;
			kept.push_back(r);
			if (r.error_occurred || r.iterations <= 0)
				continue;
			ef_slot *s = slot_named(r.run_name.function_name);
			if (!s)
				continue;
			s->on_sample(s->arg, r_->round, (uint64_t)r.iterations,
				     r.real_accumulated_time * 1e9 / (double)r.iterations,
				     r.cpu_accumulated_time * 1e9 / (double)r.iterations);
			r_->samples++;
		}
		if (file_reporter && !kept.empty())
			file_reporter->ReportRuns(kept);
	}

private:
	ef_slot *slot_named(const std::string &name)
	{
		for (unsigned k = 0; k < r_->n; k++)
			if (name == r_->order[k]->name)
				return r_->order[k];
		return nullptr;
	}

	Round *r_;
};

// One sample: new stack offsets (drawn before the timer starts), then the
// whole batch in one run().
void body(benchmark::State &state, Round *r, ef_slot *s)
{
	if (r->cfg->stop && *r->cfg->stop) {
		state.SetLabel(kStopped);
		while (state.KeepRunningBatch(state.max_iterations)) {
		}
		return;
	}
	unsigned host_offset = ef_runner_draw_offsets(s->b, s->ctx, r->rng);
	uint64_t n = (uint64_t)state.max_iterations;
	while (state.KeepRunningBatch(state.max_iterations))
		ef_runner_run_lowered(s->b, s->ctx, n, host_offset);
}

bool starts_with(const char *s, const char *prefix)
{
	return !std::strncmp(s, prefix, std::strlen(prefix));
}

} // namespace

extern "C" const char *ef_gbench_version(void)
{
	return EF_GBENCH_VERSION;
}

extern "C" int ef_gbench_init(char *const *flags, unsigned nflags, char *err,
			      size_t errlen)
{
	// efbench calibrates, warms up and takes the repetitions itself (in
	// rounds: ef_runner_prepare, then one run of a fixed count per
	// sample), so none of its settings is Google Benchmark's.
	// Static: Google Benchmark keeps argv[0] (the executable's name in its
	// context) past Initialize.
	static std::vector<std::string> args;
	args = { "efbench" };

	for (unsigned i = 0; i < nflags; i++) {
		const char *f = flags[i];
		if (starts_with(f, "--benchmark_out_format="))
			out_format = f + std::strlen("--benchmark_out_format=");
		else if (starts_with(f, "--benchmark_out="))
			out_path = f + std::strlen("--benchmark_out=");
		else
			args.push_back(f);
	}
	for (size_t i = 1; i < args.size(); i++)
		handed += (i > 1 ? " " : "") + args[i];
	std::vector<char *> argv;
	for (std::string &a : args)
		argv.push_back(&a[0]);
	argv.push_back(nullptr);
	int argc = (int)args.size();
	// It explains a bad value on stderr; efbench's one line says it all.
	std::fflush(stderr);
	int saved = dup(2), null = open("/dev/null", O_WRONLY);
	if (saved >= 0 && null >= 0)
		dup2(null, 2);
	benchmark::Initialize(&argc, argv.data());
	if (saved >= 0 && null >= 0) {
		std::fflush(stderr);
		dup2(saved, 2);
	}
	if (saved >= 0)
		close(saved);
	if (null >= 0)
		close(null);
	if (argc > 1) {
		std::snprintf(err, errlen, "%s: not a flag, or not a value, that Google "
			      "Benchmark %s takes (see its --help)", argv[1], EF_GBENCH_VERSION);
		return -1;
	}
	if (out_format != "json" && out_format != "console") {
		std::snprintf(err, errlen, "--benchmark_out_format: '%s' is not json or "
			      "console (efbench writes the CSV itself)", out_format.c_str());
		return -1;
	}
	if (!out_path.empty() && access(out_path.c_str(), F_OK) == 0) {
		std::snprintf(err, errlen, "--benchmark_out: %s exists; refusing to "
			      "overwrite", out_path.c_str());
		return -1;
	}
	return 0;
}

extern "C" const char *ef_gbench_flags(void)
{
	return handed.c_str();
}

extern "C" const char *ef_gbench_out_path(void)
{
	return out_path.empty() ? nullptr : out_path.c_str();
}

extern "C" int ef_gbench_open_out(char *err, size_t errlen)
{
	if (out_path.empty())
		return 0;
	int fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		std::snprintf(err, errlen, "--benchmark_out: %s: %s", out_path.c_str(),
			      errno == EEXIST ? "exists; refusing to overwrite"
					      : std::strerror(errno));
		return -1;
	}
	close(fd);      // created empty and ours: the stream may open it
	if (out_format == "json")
		file_reporter.reset(new benchmark::JSONReporter);
	else
		file_reporter.reset(new benchmark::ConsoleReporter(
			benchmark::ConsoleReporter::OO_Tabular));
	out_file.open(out_path, std::ios::out | std::ios::trunc);
	if (!out_file) {
		std::snprintf(err, errlen, "--benchmark_out: cannot open '%s'",
			      out_path.c_str());
		file_reporter.reset();
		unlink(out_path.c_str());
		return -1;
	}
	file_reporter->SetOutputStream(&out_file);
	file_reporter->SetErrorStream(&out_file);
	return 0;
}

extern "C" unsigned ef_gbench_round(ef_slot *const *order, unsigned n,
				    unsigned round, const ef_runner_config *cfg,
				    uint64_t *rng)
{
	Round r = { order, n, round, cfg, rng, 0 };
	SampleReporter reporter(&r);

	for (unsigned k = 0; k < n; k++)
		benchmark::RegisterBenchmark(order[k]->name, body, &r, order[k])
			->Iterations((benchmark::IterationCount)order[k]->iters)
			->Repetitions(1)
			->UseRealTime();
	benchmark::RunSpecifiedBenchmarks(&reporter, std::string("."));
	benchmark::ClearRegisteredBenchmarks();
	return r.samples;
}

extern "C" int ef_gbench_finish(void)
{
	if (!file_reporter)
		return 0;
	if (context_written)
		file_reporter->Finalize();
	file_reporter.reset();
	out_file.close();
	return out_file.fail() ? -1 : 0;
}

// The runner's entry (runners.h): the functions above, behind its hooks.
namespace {

int runner_init(const ef_options *o, char *err, size_t errlen)
{
	return ef_gbench_init(o->gbench_flags, o->ngbench_flags, err, errlen);
}

void runner_meta(FILE *m)
{
	std::fprintf(m, "runner=gbench %s (Google Benchmark; its clock: "
		     "std::chrono::steady_clock)\n", ef_gbench_version());
	ef_meta_put(m, "gbench_flags", ef_gbench_flags());
}

int runner_check_file(const char *csv, const char *sidecar, char *err, size_t errlen)
{
	if (out_path.empty() || (out_path != csv && out_path != sidecar))
		return 0;
	std::snprintf(err, errlen, "--benchmark_out: %s is where the run's own "
		      "results go", out_path.c_str());
	return -1;
}

int runner_close_file(char *err, size_t errlen)
{
	if (!ef_gbench_finish())
		return 0;
	std::snprintf(err, errlen, "--benchmark_out: writing %s failed", out_path.c_str());
	return -1;
}

} // namespace

extern "C" const ef_runner ef_runner_gbench = {
	"gbench", 0, 1, 1, runner_init, ef_runner_prepare, ef_gbench_round, runner_meta,
	runner_check_file, ef_gbench_open_out, runner_close_file,
};
