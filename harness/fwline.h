/* fwline.h: the lines the PMP benchmark firmware prints (harness/fwbench.c
 * writes them, harness/firmware.c reads them), one per sample, error or
 * left-out benchmark, fields separated by commas:
 *
 *   row,MODE,POLICY,WORKLOAD,BENCHMARK,PARAMETER,ITERATIONS,VALUE,instructions,REPETITION
 *   error,MODE,POLICY,WORKLOAD,BENCHMARK,PARAMETER,MESSAGE
 *   skip,WORKLOAD,WHY                      (a workload the firmware lacks)
 *   skip,WORKLOAD/BENCHMARK/PARAMETER,WHY  (a parameter it leaves out)
 *
 * MESSAGE and WHY are the rest of the line and may hold commas; any other
 * line (the firmware's "# " comments) is for people.  The writer's printf
 * formats and the reader's field numbers both come from the lists below. */
#ifndef EF_FWLINE_H
#define EF_FWLINE_H

/* The first field: what the line is. */
#define EF_FW_ROW "row"
#define EF_FW_ERROR "error"
#define EF_FW_SKIP "skip"
/* A row's unit: the firmware counts instructions (minstret). */
#define EF_FW_UNIT_NAME "instructions"

/* The fields after the kind, each with its printf conversion: those a row
 * and an error line share, then the rest of a row. */
#define EF_FW_SAMPLE_FIELDS(X) X(MODE, "%s") X(POLICY, "%s") X(WORKLOAD, "%s") \
	X(BENCHMARK, "%s") X(PARAMETER, "%lu")
#define EF_FW_ROW_FIELDS(X) EF_FW_SAMPLE_FIELDS(X) X(ITERATIONS, "%lu") \
	X(VALUE, "%lu.%03lu") X(UNIT, EF_FW_UNIT_NAME) X(REPETITION, "%u")

#define EF_FW_FORMAT_(name, conv) "," conv
#define EF_FW_ROW_FORMAT EF_FW_ROW EF_FW_ROW_FIELDS(EF_FW_FORMAT_) "\n"
#define EF_FW_ERROR_FORMAT EF_FW_ERROR EF_FW_SAMPLE_FIELDS(EF_FW_FORMAT_) ",%s\n"
#define EF_FW_SKIP_FORMAT EF_FW_SKIP ",%s,%s\n"
/* A skip line's id for one parameter: WORKLOAD/BENCHMARK/PARAMETER. */
#define EF_FW_SKIP_PARAM_FORMAT EF_FW_SKIP ",%s/%s/%lu,%s\n"

/* Field numbers, the kind being 0: a row has EF_FW_NFIELDS, an error
 * line EF_FW_ERROR_FIELDS before its message, a skip line its id
 * (EF_FW_SKIP_ID) before why. */
#define EF_FW_INDEX_(name, conv) EF_FW_##name,
enum ef_fw_field {
	EF_FW_KIND,
	EF_FW_ROW_FIELDS(EF_FW_INDEX_)
	EF_FW_NFIELDS,
	EF_FW_ERROR_FIELDS = EF_FW_PARAMETER + 1,
	EF_FW_SKIP_ID = 1,
};

#endif
