/*
 * The guest kernel's memory layout: every address constant the core uses lives
 * here (the hypervisor's are in hv/include/layout.h).
 *
 *   0x00000000 - 0x00000FFF  never mapped: a NULL dereference faults
 *   0x08048000 -             program image (ELF PT_LOADs), then the heap (brk)
 *   0x40000000 -             anonymous mmap regions, first fit upwards
 *   0xBF800000 - 0xBFFFFFFF  user stack (8 MiB, demand-zero), top at USER_END
 *   0xC0000000 -             kernel: image, initial region, then the direct map
 *                            of every pseudo-physical frame: va = KERNEL_BASE +
 *                            pfn * PAGE_SIZE (so frame 0 is the image's first page)
 *   0xF5800000 -             the hypervisor's (HYPERVISOR_VIRT_START)
 */
#ifndef GUEST_MEMLAYOUT_H
#define GUEST_MEMLAYOUT_H

#include <stdint.h>

#define PAGE_SIZE 4096u
#define PAGE_SHIFT 12
#define PAGE_ROUND_DOWN(a) ((a) & ~(PAGE_SIZE - 1))
#define PAGE_ROUND_UP(a) (((a) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))

#define KERNEL_BASE 0xC0000000u	      /* XEN_ELFNOTE_VIRT_BASE in arch-pv/head.S */
#define KERNEL_DIRECT_END 0xF5800000u /* the direct map stops below the hypervisor */
#define KERNEL_MAX_FRAMES ((KERNEL_DIRECT_END - KERNEL_BASE) >> PAGE_SHIFT)

#define USER_MIN 0x00001000u	   /* lowest address a program may map */
#define USER_END 0xC0000000u	   /* first address above user space */
#define USER_STACK_SIZE (8u << 20) /* the stack region, faulted in on demand */
#define USER_STACK_BOTTOM (USER_END - USER_STACK_SIZE)
#define USER_MMAP_BASE 0x40000000u /* anonymous mmap regions start here */
#define USER_ARG_MAX (32u * 1024)  /* argv + envp strings and pointers (E2BIG) */

#define KSTACK_PAGES 2 /* each thread's kernel stack: 8 KiB */
#define KSTACK_SIZE (KSTACK_PAGES * PAGE_SIZE)

/* The direct map: every frame the kernel owns at a fixed virtual address. */
static inline void *pfn_to_virt(uint32_t pfn)
{
	return (void *)(uintptr_t)(KERNEL_BASE + (pfn << PAGE_SHIFT));
}

static inline uint32_t virt_to_pfn(const void *va)
{
	return (uint32_t)((uintptr_t)va - KERNEL_BASE) >> PAGE_SHIFT;
}

#endif
