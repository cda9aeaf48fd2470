/*
 * Paravane user ABI: the error numbers system calls return, negated (-UAPI_ENOENT).
 * Linux i386 numbering, so binaries behave the same under Linux. C libraries number
 * some differently (newlib's ENOSYS is 88, Linux's 38): libc-shim translates by name.
 *
 * Self-contained, no includes. Versioned with uapi/syscall.h (UAPI_VERSION).
 */
#ifndef UAPI_ERRNO_H
#define UAPI_ERRNO_H

/* X(name, number): every error the kernel may return to ring 3. */
#define UAPI_ERRNOS(X)                                                                \
	X(EPERM, 1)	    /* operation not permitted to this process */             \
	X(ENOENT, 2)	    /* no such file or directory */                           \
	X(ESRCH, 3)	    /* no such process */                                     \
	X(EINTR, 4)	    /* interrupted by a signal before it completed */         \
	X(EIO, 5)	    /* input/output error */                                  \
	X(ENXIO, 6)	    /* no such device or address */                           \
	X(E2BIG, 7)	    /* argument list (argv + envp) too long for execve */     \
	X(ENOEXEC, 8)	    /* not an executable this kernel can load */              \
	X(EBADF, 9)	    /* fd not open, or not open for this access */            \
	X(ECHILD, 10)	    /* no child to wait for */                                \
	X(EAGAIN, 11)	    /* try again (non-blocking I/O, no process slot) */       \
	X(ENOMEM, 12)	    /* out of memory */                                       \
	X(EACCES, 13)	    /* permission denied */                                   \
	X(EFAULT, 14)	    /* a pointer argument is outside the caller's memory */   \
	X(EBUSY, 16)	    /* device or resource busy */                             \
	X(EEXIST, 17)	    /* file exists */                                         \
	X(EXDEV, 18)	    /* link across file systems */                            \
	X(ENODEV, 19)	    /* no such device */                                      \
	X(ENOTDIR, 20)	    /* a path component is not a directory */                 \
	X(EISDIR, 21)	    /* is a directory */                                      \
	X(EINVAL, 22)	    /* invalid argument */                                    \
	X(ENFILE, 23)	    /* too many open files in the system */                   \
	X(EMFILE, 24)	    /* too many open files in this process */                 \
	X(ENOTTY, 25)	    /* not a terminal */                                      \
	X(ETXTBSY, 26)	    /* executable busy */                                     \
	X(EFBIG, 27)	    /* file too large */                                      \
	X(ENOSPC, 28)	    /* no space left on device */                             \
	X(ESPIPE, 29)	    /* seek on a pipe */                                      \
	X(EROFS, 30)	    /* read-only file system */                               \
	X(EMLINK, 31)	    /* too many links */                                      \
	X(EPIPE, 32)	    /* write to a pipe with no reader (after SIGPIPE) */      \
	X(EDOM, 33)	    /* argument outside the function's domain */              \
	X(ERANGE, 34)	    /* result out of range */                                 \
	X(EDEADLK, 35)	    /* resource deadlock would occur */                       \
	X(ENAMETOOLONG, 36) /* file name too long */                                  \
	X(ENOLCK, 37)	    /* no locks available */                                  \
	X(ENOSYS, 38)	    /* no such system call, or not implemented */             \
	X(ENOTEMPTY, 39)    /* directory not empty */                                 \
	X(ELOOP, 40)	    /* too many symbolic links */                             \
	X(EOVERFLOW, 75)    /* value does not fit the structure (struct uapi_stat) */ \
	X(EOPNOTSUPP, 95)   /* operation not supported */

#ifndef __ASSEMBLER__
/* UAPI_E<name> for every entry of the list. */
enum uapi_errno {
#define UAPI_ERRNO_ENUM_(name, nr) UAPI_##name = (nr),
	UAPI_ERRNOS(UAPI_ERRNO_ENUM_)
#undef UAPI_ERRNO_ENUM_
};
#endif

#endif
