/*
 * Paravane guest ABI: ELF notes a PV kernel image carries (owner name "Xen").
 * The domain builder reads them from PT_NOTE segments.
 */
#ifndef PUBLIC_ELFNOTE_H
#define PUBLIC_ELFNOTE_H

#define XEN_ELFNOTE_ENTRY 1	     /* u32: entry point (else e_entry) */
#define XEN_ELFNOTE_HYPERCALL_PAGE 2 /* u32: virtual address of the hypercall page */
#define XEN_ELFNOTE_VIRT_BASE 3	     /* u32: virtual base of the image (absent: 0) */
#define XEN_ELFNOTE_PADDR_OFFSET 4   /* u32: accepted, unused */
#define XEN_ELFNOTE_XEN_VERSION 5    /* string: must be "xen-3.0" */
#define XEN_ELFNOTE_GUEST_OS 6	     /* string: required, free text */
#define XEN_ELFNOTE_GUEST_VERSION 7  /* string: free text */
#define XEN_ELFNOTE_LOADER 8	     /* string: must be "generic" */
#define XEN_ELFNOTE_PAE_MODE 9	     /* string: must be "yes" (PAE only) */
#define XEN_ELFNOTE_FEATURES 10	     /* string: accepted, unused */
#define XEN_ELFNOTE_BSD_SYMTAB 11    /* ignored */

#endif
