# Script glue for the Sebs module. The cmdlets live in Sebs.Cmdlets.dll (NestedModules);
# this file only holds what is easier to say in PowerShell.
Set-StrictMode -Version 3.0
