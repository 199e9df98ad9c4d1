#if canImport(Glibc)
    import Glibc

    /// glibc functions that its Swift module does not import (they sit behind `_GNU_SOURCE`), looked up at run time.
    enum GlibcExtras {
        private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
        private typealias AddChdir =
            @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

        private static let pipe2: Pipe2? = symbol("pipe2")
        private static let addChdir: AddChdir? = symbol("posix_spawn_file_actions_addchdir_np")

        /// `pipe2(fds, O_CLOEXEC)`, or nil when this glibc lacks it.
        static func closeOnExecPipe(_ fds: UnsafeMutablePointer<Int32>) -> Int32? {
            pipe2.map { $0(fds, O_CLOEXEC) }
        }

        /// Adds a change of directory to spawn's file actions; false when this glibc (before 2.29) cannot.
        static func addChdir(_ actions: inout posix_spawn_file_actions_t, _ path: String) -> Bool {
            guard let addChdir else { return false }
            return path.withCString { addChdir(&actions, $0) } == 0
        }

        private static func symbol<T>(_ name: String) -> T? {
            guard let handle = dlopen(nil, RTLD_NOW), let pointer = dlsym(handle, name) else { return nil }
            return unsafeBitCast(pointer, to: T.self)
        }
    }
#endif
