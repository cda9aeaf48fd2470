/*
 * User address spaces: a sorted list of regions (VMAs) over the arch's page
 * tables. Nothing is mapped until touched: a fault maps a zeroed frame, or one
 * filled from the program file, or copies a frame shared copy-on-write since a
 * fork. Frames carry reference counts (pmem): a shared frame is copied on the
 * first write, a frame whose last sharer is gone is simply made writable.
 */
#include <kernel.h>

struct vm *vm_create(void)
{
	struct vm *vm = kzalloc(sizeof(*vm));
	if (vm && !(vm->as = arch_as_create())) {
		kfree(vm);
		return NULL;
	}
	return vm;
}

void vm_destroy(struct vm *vm)
{
	if (!vm)
		return;
	arch_as_destroy(vm->as); /* drops a reference on every frame it maps */
	for (struct vma *v = vm->vmas, *next; v; v = next) {
		next = v->next;
		kfree(v);
	}
	kfree(vm);
}

static struct vma *vma_find(struct vm *vm, uint32_t va)
{
	for (struct vma *v = vm->vmas; v && v->start <= va; v = v->next)
		if (va < v->end)
			return v;
	return NULL;
}

int vm_map(struct vm *vm, uint32_t start, uint32_t end, unsigned prot, const uint8_t *file,
	   uint32_t file_va, uint32_t file_end)
{
	if (start >= end || start < USER_MIN || end > USER_END || (start | end) % PAGE_SIZE)
		return -UAPI_EINVAL;
	struct vma **pp = &vm->vmas;
	while (*pp && (*pp)->end <= start)
		pp = &(*pp)->next;
	if (*pp && (*pp)->start < end)
		return -UAPI_EINVAL; /* overlaps */
	struct vma *v = kzalloc(sizeof(*v));
	if (!v)
		return -UAPI_ENOMEM;
	*v = (struct vma){ start, end, prot, file, file_va, file_end, *pp };
	*pp = v;
	return 0;
}

/* Unmap [start, end) of the page tables, dropping the frames' references. */
static void unmap_pages(struct vm *vm, uint32_t start, uint32_t end)
{
	uint32_t pfn;
	unsigned prot;
	for (uint32_t va = start; (va = arch_as_next(vm->as, va, end, &pfn, &prot)) < end;
	     va += PAGE_SIZE) {
		arch_as_map(vm->as, va, 0, 0); /* an unmap needs no new table */
		frame_put(pfn);
	}
}

int vm_unmap(struct vm *vm, uint32_t start, uint32_t end)
{
	if (start >= end || end > USER_END || (start | end) % PAGE_SIZE)
		return -UAPI_EINVAL;
	/* A split needs one more region: get it first, so nothing fails halfway. */
	struct vma *spare = kmalloc(sizeof(*spare));
	if (!spare)
		return -UAPI_ENOMEM;
	for (struct vma **pp = &vm->vmas; *pp;) {
		struct vma *v = *pp;
		if (v->end <= start || v->start >= end) {
			pp = &v->next;
			continue;
		}
		unmap_pages(vm, MAX(start, v->start), MIN(end, v->end));
		if (start <= v->start && end >= v->end) { /* all of it */
			*pp = v->next;
			kfree(v);
			continue;
		}
		if (start > v->start && end < v->end) { /* the middle: split */
			*spare = *v;
			spare->start = end;
			v->end = start;
			v->next = spare;
			spare = NULL;
			break;
		}
		if (start <= v->start)
			v->start = end; /* the head */
		else
			v->end = start; /* the tail */
		pp = &v->next;
	}
	kfree(spare);
	return 0;
}

/* A new frame with the page's first contents: the file's bytes, zeros beyond. */
static uint32_t fill_page(const struct vma *v, uint32_t page)
{
	uint32_t pfn = frame_alloc_zeroed();
	if (pfn == PMEM_NONE || !v->file)
		return pfn;
	uint32_t from = MAX(page, v->file_va), to = MIN(page + PAGE_SIZE, v->file_end);
	if (from < to)
		memcpy((uint8_t *)pfn_to_virt(pfn) + (from - page), v->file + (from - v->file_va),
		       to - from);
	return pfn;
}

int vm_fault(struct vm *vm, uint32_t va, unsigned access)
{
	struct vma *v = vma_find(vm, va);
	if (!v || !(v->prot & (ARCH_PROT_READ | ARCH_PROT_WRITE | ARCH_PROT_EXEC)) ||
	    ((access & VM_FAULT_WRITE) && !(v->prot & ARCH_PROT_WRITE)) ||
	    ((access & VM_FAULT_EXEC) && !(v->prot & ARCH_PROT_EXEC)))
		return -UAPI_EFAULT;
	uint32_t page = PAGE_ROUND_DOWN(va), pfn;
	unsigned prot;
	if (arch_as_lookup(vm->as, page, &pfn, &prot) != 1) {
		uint32_t fresh = fill_page(v, page);
		if (fresh == PMEM_NONE)
			return -UAPI_ENOMEM;
		if (arch_as_map(vm->as, page, fresh, v->prot)) {
			frame_put(fresh);
			return -UAPI_ENOMEM;
		}
		return 0;
	}
	if (!(access & VM_FAULT_WRITE) || (prot & ARCH_PROT_WRITE))
		return 0;	 /* already resolved (a fault another path took first) */
	if (pmem_refs(pfn) == 1) /* the other sharers are gone: it is ours */
		return arch_as_map(vm->as, page, pfn, v->prot);
	uint32_t copy = pmem_alloc();
	if (copy == PMEM_NONE)
		return -UAPI_ENOMEM;
	memcpy(pfn_to_virt(copy), pfn_to_virt(pfn), PAGE_SIZE);
	arch_as_map(vm->as, page, copy, v->prot); /* the table exists: cannot fail */
	frame_put(pfn);
	return 0;
}

void vm_user_fault(uint32_t va, unsigned access, uint32_t pc)
{
	struct proc *p = proc_current();
	int rc = vm_fault(p->vm, va, access);
	if (rc)
		proc_fault_signal(rc == -UAPI_ENOMEM ? UAPI_SIGKILL : UAPI_SIGSEGV, pc, va);
}

int vm_write(struct vm *vm, uint32_t va, const void *src, uint32_t len)
{
	const uint8_t *s = src;
	while (len) {
		uint32_t page = PAGE_ROUND_DOWN(va), off = va - page, n = MIN(len, PAGE_SIZE - off);
		uint32_t pfn;
		unsigned prot;
		if (arch_as_lookup(vm->as, page, &pfn, &prot) != 1 || !(prot & ARCH_PROT_WRITE)) {
			int rc = vm_fault(vm, page, VM_FAULT_WRITE);
			if (rc)
				return rc;
			arch_as_lookup(vm->as, page, &pfn, &prot);
		}
		memcpy((uint8_t *)pfn_to_virt(pfn) + off, s, n);
		va += n, s += n, len -= n;
	}
	return 0;
}

/* Share every mapped page of v with child, copy-on-write where writable; the
 * page at `hot` is copied at once instead (both would write it first thing). */
static int fork_region(struct vm *parent, struct vm *child, const struct vma *v, uint32_t hot)
{
	uint32_t pfn;
	unsigned prot;
	for (uint32_t va = v->start;
	     (va = arch_as_next(parent->as, va, v->end, &pfn, &prot)) < v->end; va += PAGE_SIZE) {
		if (va == hot && (prot & ARCH_PROT_WRITE)) {
			uint32_t copy = pmem_alloc();
			if (copy == PMEM_NONE)
				return -UAPI_ENOMEM;
			memcpy(pfn_to_virt(copy), pfn_to_virt(pfn), PAGE_SIZE);
			if (arch_as_map(child->as, va, copy, prot)) {
				frame_put(copy);
				return -UAPI_ENOMEM;
			}
			continue;
		}
		if (prot & ARCH_PROT_WRITE) {
			prot &= ~ARCH_PROT_WRITE;
			arch_as_map(parent->as, va, pfn, prot);
		}
		if (arch_as_map(child->as, va, pfn, prot))
			return -UAPI_ENOMEM;
		pmem_get(pfn);
	}
	return 0;
}

struct vm *vm_fork(struct vm *parent, uint32_t hot)
{
	struct vm *child = vm_create();
	if (!child)
		return NULL;
	child->brk_base = parent->brk_base;
	child->brk = parent->brk;
	struct vma **tail = &child->vmas;
	for (const struct vma *v = parent->vmas; v; v = v->next) {
		struct vma *c = kmalloc(sizeof(*c));
		if (c) {
			*c = *v;
			c->next = NULL;
			*tail = c;
			tail = &c->next;
		}
		if (!c || fork_region(parent, child, v, PAGE_ROUND_DOWN(hot))) {
			vm_destroy(child);
			return NULL;
		}
	}
	if (arch_as_ready(child->as)) {
		vm_destroy(child);
		return NULL;
	}
	return child;
}

/* brk: the heap region grows or shrinks from brk_base; it never reaches mmap's. */
SYSCALL_DEFINE(brk)
{
	struct vm *vm = proc_current()->vm;
	uint32_t want = a[0];
	if (want < vm->brk_base || want > USER_MMAP_BASE)
		return (long)vm->brk;
	uint32_t old_end = PAGE_ROUND_UP(vm->brk), new_end = PAGE_ROUND_UP(want);
	if (new_end > old_end) {
		struct vma *heap = old_end > vm->brk_base ? vma_find(vm, old_end - 1) : NULL;
		if (heap && heap->end == old_end && !heap->file)
			heap->end = new_end;
		else if (vm_map(vm, old_end, new_end, ARCH_PROT_READ | ARCH_PROT_WRITE, NULL, 0, 0))
			return (long)vm->brk;
	} else if (new_end < old_end) {
		vm_unmap(vm, new_end, old_end);
	}
	vm->brk = want;
	return (long)want;
}

/* First gap of len bytes in the mmap area, or 0. */
static uint32_t find_gap(struct vm *vm, uint32_t len)
{
	uint32_t at = USER_MMAP_BASE;
	for (const struct vma *v = vm->vmas; v; v = v->next) {
		if (v->end <= at)
			continue;
		if (v->start >= at + len)
			break;
		at = v->end;
	}
	return at + len <= USER_STACK_BOTTOM && at + len > at ? at : 0;
}

SYSCALL_DEFINE(mmap2)
{
	struct vm *vm = proc_current()->vm;
	uint32_t addr = a[0], len = a[1], prot = a[2], flags = a[3], pgoff = a[5];
	uint32_t known = UAPI_MAP_PRIVATE | UAPI_MAP_SHARED | UAPI_MAP_FIXED | UAPI_MAP_ANONYMOUS;
	if (!len || len > USER_END || (flags & ~known) || (flags & UAPI_MAP_SHARED) ||
	    !(flags & UAPI_MAP_PRIVATE) || !(flags & UAPI_MAP_ANONYMOUS) || pgoff ||
	    (prot & ~(uint32_t)(UAPI_PROT_READ | UAPI_PROT_WRITE | UAPI_PROT_EXEC)))
		return -UAPI_EINVAL;
	len = PAGE_ROUND_UP(len);
	_Static_assert(UAPI_PROT_READ == ARCH_PROT_READ && UAPI_PROT_WRITE == ARCH_PROT_WRITE &&
			   UAPI_PROT_EXEC == ARCH_PROT_EXEC,
		       "protections pass through");
	if (flags & UAPI_MAP_FIXED) {
		if (addr % PAGE_SIZE || addr < USER_MIN || addr > USER_END - len)
			return -UAPI_EINVAL;
		int rc = vm_unmap(vm, addr, addr + len);
		if (rc)
			return rc;
	} else if (!(addr = find_gap(vm, len))) {
		return -UAPI_ENOMEM;
	}
	int rc = vm_map(vm, addr, addr + len, prot, NULL, 0, 0);
	return rc ? rc : (long)addr;
}

SYSCALL_DEFINE(munmap)
{
	uint32_t addr = a[0], len = a[1];
	if (addr % PAGE_SIZE || !len || addr > USER_END || len > USER_END - addr)
		return -UAPI_EINVAL;
	return vm_unmap(proc_current()->vm, addr, addr + PAGE_ROUND_UP(len));
}
