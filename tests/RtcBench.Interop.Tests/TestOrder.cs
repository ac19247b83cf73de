// One collection at a time: the Chromium tests (1,000 pings on a maxRetransmits-0 channel must all come back) and the
// node stacks' cells would otherwise share the 2-core runner's CPU, and a stall of a few hundred milliseconds there
// abandons a lossy ping (seen once when they ran side by side). Sequential, the project takes about 3 minutes.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
