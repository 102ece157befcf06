/* stub.c: the object a domain's namespace is opened with.  It has no code
 * of its own; what matters is its DT_NEEDED list, set by the Makefile:
 * libefheap.so first (so its malloc family and __tls_get_addr win symbol
 * lookup in the namespace), then the domain's libraries. */
const char efbench_domain_stub[] = "efbench domain stub";
