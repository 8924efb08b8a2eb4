using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Pmm.Benchmarks.Inputs).Assembly).Run(args);
