// gbench.cc: the Google Benchmark shim behind gbench.h.  Each round's
// benchmarks are registered, run once and cleared, so efbench keeps its
// own order, checks and progress; a reporter of the shim's hands each
// sample back to C, and Google Benchmark's own reporter writes its file
// (NAME.json beside the CSV, or --benchmark_out), one round at a time.
#include "gbench.h"
#include "runners.h"
extern "C" {
#include "csv.h"
#include "meta.h"
}

#include <benchmark/benchmark.h>

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <unistd.h>
#include <cstring>
#include <memory>
#include <sstream>
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

// The flags Google Benchmark was handed, for the sidecar.
std::string handed;
// Which process of --processes this is (0 without), for the labels.
unsigned process;
// A process of --processes (efbench --worker): it hands what it measured
// to the parent (worker_line) instead of writing a file.
bool worker;

// The file: Google Benchmark's JSON (--benchmark_out_format=console: its
// table), for the whole run, processes of --processes included.  It is
// created with its context and its closing (what the reporter's Finalize
// writes) and each round's runs go in before the closing, so the file is
// whole, valid JSON after every round: a run stopped by a signal, killed,
// or short of disk space leaves every round written before.
struct OutFile {
	std::string path;       // empty: none
	bool given = false;     // --benchmark_out= was given (empty: none wanted)
	std::string format = "json";
	int fd = -1;
	off_t body_end = 0;     // where the next runs go: before the closing
	std::string closing;
	bool has_runs = false;
	int failed = 0;         // errno of a write that failed: it is incomplete
} out;

// What a sample that came after efbench was asked to stop carries: its
// batch was not run (a Google Benchmark run cannot be left early without
// an error), so it is no sample.
const char kStopped[] = "efbench: stopped";

// What a process of --processes prints for its parent, beside its rows:
// each line of one piece of the file, then the piece's end.
const char kPieceLine[] = "ef-gbench\t", kPieceEnd[] = "ef-gbench-end";

bool json()
{
	return out.format == "json";
}

std::unique_ptr<benchmark::BenchmarkReporter> new_reporter()
{
	if (json())
		return std::unique_ptr<benchmark::BenchmarkReporter>(new benchmark::JSONReporter);
	return std::unique_ptr<benchmark::BenchmarkReporter>(
		new benchmark::ConsoleReporter(benchmark::ConsoleReporter::OO_Tabular));
}

// The table's reporter, one per process: it prints its header once.  The
// JSON's is new for each piece, which then holds its runs without the
// comma before them (put adds it).
benchmark::BenchmarkReporter &piece_reporter(std::unique_ptr<benchmark::BenchmarkReporter> &fresh)
{
	static std::unique_ptr<benchmark::BenchmarkReporter> table;

	if (json())
		return *(fresh = new_reporter());
	if (!table)
		table = new_reporter();
	return *table;
}

// What Google Benchmark's PrintBasicContext warns about (a library built
// for debugging, CPU frequency scaling), one line each, without its
// ***WARNING*** mark.
const std::vector<std::string> &warnings()
{
	static std::vector<std::string> said;
	static bool read;
	const std::string mark = "***WARNING*** ";

	if (read)
		return said;
	read = true;
	benchmark::BenchmarkReporter::Context context;
	std::ostringstream text;
	benchmark::BenchmarkReporter::PrintBasicContext(&text, context);
	std::istringstream lines(text.str());
	for (std::string line; std::getline(lines, line);)
		if (!line.compare(0, mark.size(), mark))
			said.push_back(line.substr(mark.size()));
	return said;
}

bool write_at(int fd, const std::string &text, off_t at)
{
	for (size_t done = 0; done < text.size();) {
		ssize_t n = pwrite(fd, text.data() + done, text.size() - done,
				   at + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!n)
				errno = EIO;
			return false;
		}
		done += (size_t)n;
	}
	return true;
}

// A piece of the file's body (a round's runs) in before its closing.  A
// write that fails (disk full, file-size limit) is undone: the closing
// goes back where it was, into bytes the file holds already, and the file
// is cut after it, valid with every earlier piece; later pieces are lost,
// and the sidecar says so (gbench_json_status).
void put(const std::string &piece)
{
	if (out.fd < 0 || out.failed || piece.empty())
		return;
	std::string body = (out.has_runs && json() ? ",\n" : "") + piece;
	if (write_at(out.fd, body + out.closing, out.body_end)) {
		out.body_end += (off_t)body.size();
		out.has_runs = true;
		return;
	}
	out.failed = errno;
	std::fprintf(stderr, "efbench: cannot write %s: %s; it holds the rounds before "
		     "this one\n", out.path.c_str(), std::strerror(out.failed));
	if (write_at(out.fd, out.closing, out.body_end))
		(void)!ftruncate(out.fd, out.body_end + (off_t)out.closing.size());
}

// A piece for the file: in a process of --processes, printed for the
// parent, a line at a time (no line of Google Benchmark's is near the
// 4095 bytes a line of a process may have).
void hand_over(const std::string &piece)
{
	if (!worker) {
		put(piece);
		return;
	}
	std::istringstream lines(piece);
	std::string line;
	while (std::getline(lines, line))
		std::printf("%s%s\n", kPieceLine, line.c_str());
	// A piece that ends in a line end has an empty last line.
	if (!piece.empty() && piece.back() == '\n')
		std::printf("%s\n", kPieceLine);
	std::printf("%s\n", kPieceEnd);
	std::fflush(stdout);
}

// Whether a run stopped with an error or was skipped: Google Benchmark
// 1.8 replaced Run::error_occurred with Run::skipped (Debian 12 has 1.7.1,
// Ubuntu 24.04 1.8.3, Debian 13 1.9.1); the overload that compiles is the
// one this version has.
template <typename R>
auto run_failed(const R &r, int) -> decltype((void)r.error_occurred, bool())
{
	return r.error_occurred;
}
template <typename R>
auto run_failed(const R &r, long) -> decltype((void)r.skipped, bool())
{
	return static_cast<int>(r.skipped) != 0;
}

class SampleReporter : public benchmark::BenchmarkReporter {
public:
	explicit SampleReporter(Round *r) : r_(r) {}

	// The file's context was written when it was created.
	bool ReportContext(const Context &) override
	{
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
			if (run_failed(r, 0) || r.iterations <= 0)
				continue;
			ef_slot *s = slot_named(r.run_name.function_name);
			if (!s)
				continue;
			s->on_sample(s->arg, r_->round, (uint64_t)r.iterations,
				     r.real_accumulated_time * 1e9 / (double)r.iterations,
				     r.cpu_accumulated_time * 1e9 / (double)r.iterations);
			r_->samples++;
		}
		if (kept.empty() || (!worker && out.fd < 0))
			return;
		std::unique_ptr<benchmark::BenchmarkReporter> fresh;
		benchmark::BenchmarkReporter &rep = piece_reporter(fresh);
		std::ostringstream piece;
		rep.SetOutputStream(&piece);
		rep.SetErrorStream(&piece);
		rep.ReportRuns(kept);
		hand_over(piece.str());
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
// whole batch in one run().  Its label says which process and round took
// it, as the CSV's process and repetition columns do; a benchmark whose
// parameter is its bytes per iteration reports them (bytes_per_second).
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
	state.SetLabel("process " + std::to_string(process) + ", round " +
		       std::to_string(r->round));
	if (s->b->param_is_bytes && s->b->param_of)
		state.SetBytesProcessed((int64_t)(n * s->b->param_of(s->ctx)));
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
		if (starts_with(f, "--benchmark_out_format=")) {
			out.format = f + std::strlen("--benchmark_out_format=");
		} else if (starts_with(f, "--benchmark_out=")) {
			out.path = f + std::strlen("--benchmark_out=");
			out.given = true;
		} else {
			args.push_back(f);
		}
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
	if (out.format != "json" && out.format != "console") {
		std::snprintf(err, errlen, "--benchmark_out_format: '%s' is not json or "
			      "console (efbench writes the CSV itself)", out.format.c_str());
		return -1;
	}
	if (!out.path.empty() && access(out.path.c_str(), F_OK) == 0) {
		std::snprintf(err, errlen, "--benchmark_out: %s exists; refusing to "
			      "overwrite", out.path.c_str());
		return -1;
	}
	return 0;
}

extern "C" const char *ef_gbench_flags(void)
{
	return handed.c_str();
}

extern "C" int ef_gbench_choose_out(const char *csv, const char *sidecar, char *err,
				    size_t errlen)
{
	const char *flag = out.given ? "--benchmark_out" : "Google Benchmark's file";

	if (!out.given) {
		std::vector<char> beside(std::strlen(csv) + 8);
		ef_csv_beside(csv, json() ? ".json" : ".txt", beside.data(), beside.size());
		out.path = beside.data();
	}
	if (out.path.empty())
		return 0;
	if (out.path == csv || out.path == sidecar) {
		std::snprintf(err, errlen, "--benchmark_out: %s is where the run's own "
			      "results go", out.path.c_str());
		return -1;
	}
	if (access(out.path.c_str(), F_OK) == 0) {
		std::snprintf(err, errlen, "%s: %s exists; refusing to overwrite "
			      "(--benchmark_out= writes none)", flag, out.path.c_str());
		return -1;
	}
	return 0;
}

extern "C" int ef_gbench_open_out(char *err, size_t errlen)
{
	for (const std::string &w : warnings())
		std::fprintf(stderr, "efbench: Google Benchmark warns: %s\n", w.c_str());
	if (out.path.empty())
		return 0;

	// The context, and the closing, from Google Benchmark's own reporter.
	std::unique_ptr<benchmark::BenchmarkReporter> rep = new_reporter();
	std::ostringstream start, closing;
	benchmark::BenchmarkReporter::Context context;
	rep->SetOutputStream(&start);
	rep->SetErrorStream(&start);
	rep->ReportContext(context);
	rep->SetOutputStream(&closing);
	rep->Finalize();
	out.closing = closing.str();
	std::string whole = start.str() + out.closing;
	out.fd = ef_csv_create_with(out.path.c_str(), whole.data(), whole.size(), err, errlen);
	if (out.fd < 0)
		return -1;
	// Pieces go in before the closing, at an offset: not appended.
	fcntl(out.fd, F_SETFL, fcntl(out.fd, F_GETFL) & ~O_APPEND);
	out.body_end = (off_t)start.str().size();
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
	if (out.fd < 0)
		return 0;
	if (fsync(out.fd) && errno != EINVAL && !out.failed)
		out.failed = errno;
	if (close(out.fd) && !out.failed)
		out.failed = errno;
	out.fd = -1;
	return out.failed ? -1 : 0;
}

// The runner's entry (runners.h): the functions above, behind its hooks.
namespace {

int runner_init(const ef_options *o, char *err, size_t errlen)
{
	worker = o->worker;
	process = o->worker_index;
	return ef_gbench_init(o->gbench_flags, o->ngbench_flags, err, errlen);
}

void runner_meta(FILE *m)
{
	std::string said;

	std::fprintf(m, "runner=gbench %s (Google Benchmark; its clock: "
		     "std::chrono::steady_clock)\n", ef_gbench_version());
	ef_meta_put(m, "gbench_flags", ef_gbench_flags());
	for (const std::string &w : warnings())
		said += (said.empty() ? "" : " ") + w;
	ef_meta_put(m, "gbench_warnings", said.empty() ? "none" : said.c_str());
	if (out.path.empty())
		ef_meta_put(m, "gbench_json", "none (--benchmark_out=)");
	else if (json())
		ef_meta_put(m, "gbench_json", out.path.c_str());
	else
		ef_meta_put(m, "gbench_json", ("none; its table (--benchmark_out_format="
					       "console): " + out.path).c_str());
}

void runner_meta_end(FILE *m)
{
	if (out.path.empty())
		return;
	ef_meta_put(m, "gbench_json_status", !out.failed ? "complete"
		    : ("incomplete: " + std::string(std::strerror(out.failed))).c_str());
}

int runner_close_file(char *err, size_t errlen)
{
	if (!ef_gbench_finish())
		return 0;
	std::snprintf(err, errlen, "%s is incomplete: a write failed (%s)",
		      out.path.c_str(), std::strerror(out.failed));
	return -1;
}

// A piece a process of --processes printed, a line at a time, into the
// file when its end comes.  One file for the run, not one per process:
// the processes run one after another, so their rounds follow one another
// in it as in the CSV, and each run's label names its process and round.
int runner_worker_line(const char *line)
{
	static std::string piece;

	if (starts_with(line, kPieceLine)) {
		piece += line + std::strlen(kPieceLine);
		piece += '\n';
		return 1;
	}
	if (std::strcmp(line, kPieceEnd))
		return 0;
	if (!piece.empty())
		piece.pop_back();       // the line end added after its last line
	put(piece);
	piece.clear();
	return 1;
}

} // namespace

extern "C" const ef_runner ef_runner_gbench = {
	"gbench", 0, 1, 1, runner_init, ef_runner_prepare, ef_gbench_round, runner_meta,
	ef_gbench_choose_out, ef_gbench_open_out, runner_close_file, runner_meta_end,
	runner_worker_line,
};
