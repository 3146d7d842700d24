# Script glue for the Sebs module. The cmdlets live in Sebs.Cmdlets.dll (NestedModules);
# this file only holds what is easier to say in PowerShell.
# No Set-StrictMode: it would cover only this file's scope, where no code runs (the cmdlets are C#, and the views'
# script blocks run under the caller's mode), and binding it cost 3-5 ms of Import-Module in a fresh pwsh.
