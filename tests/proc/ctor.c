/* ctor.c: libefprocctor.so, a library whose constructor acts while it
 * loads in the proc sandbox, before the loader's calls are taken away. */
#define _GNU_SOURCE
#include "proctest.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

static int64_t open_write = 1, sock = 1;

__attribute__((constructor)) static void at_load(void)
{
	int fd = open("/tmp/efbench-procctor", O_WRONLY | O_CREAT, 0600);
	open_write = fd < 0 ? -errno : 0;
	if (fd >= 0)
		close(fd);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	sock = fd < 0 ? -errno : 0;
	if (fd >= 0)
		close(fd);
}

int64_t efpc_ctor_open_write(void) { return open_write; }
int64_t efpc_ctor_socket(void) { return sock; }
