console.log("noctra");
