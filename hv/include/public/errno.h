/*
 * Paravane guest ABI: error codes. Hypercalls return these negated (Linux/Xen
 * errno numbering), e.g. -XEN_EINVAL.
 */
#ifndef PUBLIC_ERRNO_H
#define PUBLIC_ERRNO_H

#define XEN_EPERM 1   /* caller lacks the privilege */
#define XEN_ENOENT 2  /* no such entry */
#define XEN_ESRCH 3   /* no such domain */
#define XEN_ENOMEM 12 /* out of memory */
#define XEN_EFAULT 14 /* a guest address could not be read or written */
#define XEN_EBUSY 16  /* resource in use */
#define XEN_EEXIST 17 /* already exists */
#define XEN_EINVAL 22 /* argument out of range or malformed */
#define XEN_ENOSPC 28 /* no room left */
#define XEN_ENOSYS 38 /* no such hypercall or sub-operation */

#endif
