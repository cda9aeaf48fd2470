/*
 * Paravane guest ABI: a domU's console ring page (Xen's xencons_interface).
 * The guest writes out[] and advances out_prod; the back end in dom0 reads
 * and advances out_cons. Indices run freely; the byte for index i is at
 * out[i % sizeof(out)]. Either side signals the other on the console port
 * (start_info.console.domU.evtchn). in[] carries input the other way.
 */
#ifndef PUBLIC_CONSOLE_H
#define PUBLIC_CONSOLE_H

#include <stdint.h>

struct xencons_interface {
	char in[1024];
	char out[2048];
	uint32_t in_cons, in_prod;   /* @3072, @3076 */
	uint32_t out_cons, out_prod; /* @3080, @3084 */
};

#endif
