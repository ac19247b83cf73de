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
return await CliApp.RunAsync(args, context);
