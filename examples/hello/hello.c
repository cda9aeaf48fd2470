/*
 * hello: the smallest ring-3 program that exercises the whole system layer
 * newlib needs: stdio on stdout and stderr, malloc, argv, environ and exit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	printf("hello from ring 3\n");
	printf("argc=%d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);

	/* Big enough that malloc must grow the break more than once. */
	size_t n = 256 * 1024;
	char *buf = malloc(n);
	if (buf == NULL) {
		fprintf(stderr, "hello: malloc(%zu) failed\n", n);
		return 1;
	}
	memset(buf, 'x', n);
	char *small = malloc(32);
	if (small == NULL) {
		fprintf(stderr, "hello: malloc(32) failed\n");
		return 1;
	}
	snprintf(small, 32, "%llu", 1234567890123ULL); /* 64-bit printf */
	printf("malloc: %zu bytes ok, %s\n", n, small);
	free(small);
	free(buf);

	const char *who = getenv("HELLO_WHO");
	printf("HELLO_WHO=%s\n", who ? who : "(unset)");

	fprintf(stderr, "hello: this line goes to stderr\n");
	return 0;
}
