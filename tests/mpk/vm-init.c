/* vm-init.c: PID 1 of the MPK test VM (scripts/mpk-vm builds the initramfs).
 *
 * Mounts /dev, /proc and /tmp, then runs each line of /commands (words
 * separated by spaces: NAME=VALUE words first set the environment, the next
 * is the program; "show FILE" prints FILE) with output on the serial
 * console, and prints "efbench-vm: exit <status> <line>" after each and
 * "efbench-vm: done" at the end, which scripts/mpk-vm reads.  Then it powers
 * the machine off.  Static, so that the VM needs nothing to start it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void say(const char *fmt, const char *a, int v)
{
	printf(fmt, v, a);
	fflush(stdout);
}

/* "show FILE": print FILE with every line prefixed "FILE: ". */
static int show(const char *path)
{
	char buf[4096];
	FILE *f = fopen(path, "r");

	if (!f)
		return 1;
	while (fgets(buf, sizeof buf, f))
		printf("%s: %s", path, buf);
	fclose(f);
	fflush(stdout);
	return 0;
}

/* Run one command line; its exit status, or 128 + the signal that ended it. */
static int spawn(char *line)
{
	char *argv[64], *save = NULL, *w;
	int argc = 0, status;
	pid_t pid;

	for (w = strtok_r(line, " ", &save); w && argc < 63; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	if (!argc)
		return 0;
	pid = fork();
	if (pid == 0) {
		char **cmd = argv;
		while (*cmd && strchr(*cmd, '=')) {
			putenv(*cmd);
			cmd++;
		}
		if (!*cmd)
			_exit(127);
		execv(cmd[0], cmd);
		printf("efbench-vm: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static int run(char *line)
{
	return strncmp(line, "show ", 5) ? spawn(line) : show(line + 5);
}

int main(void)
{
	char line[1024], copy[1024];
	FILE *f;
	int fd;

	mkdir("/dev", 0755), mkdir("/proc", 0555), mkdir("/tmp", 01777);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("tmpfs", "/tmp", "tmpfs", 0, NULL);
	/* The host column of efbench's rows. */
	sethostname("qemu-mpk", 8);
	fd = open("/dev/ttyS0", O_RDWR | O_NOCTTY);
	if (fd >= 0) {
		dup2(fd, 0), dup2(fd, 1), dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	setenv("PATH", "/bin", 1);
	setenv("HOME", "/tmp", 1);
	chdir("/");
	f = fopen("/commands", "r");
	if (!f) {
		say("efbench-vm: no /commands (%d)%s\n", "", errno);
	} else {
		while (fgets(line, sizeof line, f)) {
			line[strcspn(line, "\n")] = 0;
			if (!line[0] || line[0] == '#')
				continue;
			strcpy(copy, line);
			printf("efbench-vm: run %s\n", copy);
			fflush(stdout);
			say("efbench-vm: exit %d %s\n", copy, run(line));
		}
		fclose(f);
	}
	printf("efbench-vm: done\n");
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
