using RtcBench.Cli;

using var interrupts = Interrupts.ForProcess();
var context = new CliContext
{
    Out = Console.Out,
    Error = Console.Error,
    Interrupts = interrupts,
    InteractiveOut = !Console.IsOutputRedirected,
    InteractiveError = !Console.IsErrorRedirected,
};
int exit = await CliApp.RunAsync(args, context);
if (RtcBench.Platforms.Daily.Browser.BrowserHost.SharedCreated)
{
    // The daily platform's Chromium (runner and agent pages): closed and its process tree reaped, no orphans.
    await RtcBench.Platforms.Daily.Browser.BrowserHost.Shared.DisposeAsync();
}
return exit;
